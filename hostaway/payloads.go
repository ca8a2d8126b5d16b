package hostaway

import (
	"encoding/json"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/lenient"
)

// The payload types below follow Hostaway's API reference field for field,
// with Hostaway's names in the json tags. Hostaway is loose about JSON types
// (ids as numbers or strings, flags as 0/1, "1" or true, amounts as numbers),
// so fields use the lenient types: such drift never fails a delivery, and a
// value a field cannot read at all (the text "forged" where a date belongs)
// is kept in the field's Unparsed text rather than failing it. Every field
// may be null or absent, which leaves it zero. Fields whose type the
// reference does not give (always null in its examples) are kept as
// json.RawMessage. Timestamps are "YYYY-MM-DD HH:MM:SS" without a zone: they
// decode as Zoneless lenient.Time clock readings, which Hostaway documents as
// UTC except where a field says otherwise.

// ReservationStatus is the status of a Hostaway reservation, such as
// StatusNew. It is an open set: Hostaway may add statuses, which decode as
// they are and normalize to event.StatusUnknown. Any JSON value decodes, as
// a lenient.String does: a number keeps its text, an object its raw JSON.
type ReservationStatus string

// UnmarshalJSON implements json.Unmarshaler. It never returns an error.
func (s *ReservationStatus) UnmarshalJSON(b []byte) error {
	var v lenient.String
	_ = v.UnmarshalJSON(b) // never fails
	*s = ReservationStatus(v)
	return nil
}

// The reservation statuses of Hostaway's reference
// (https://api.hostaway.com/documentation#reservation-statuses).
const (
	// StatusNew is a new reservation.
	StatusNew ReservationStatus = "new"
	// StatusModified is a reservation whose dates, guests, listing or price
	// changed.
	StatusModified ReservationStatus = "modified"
	// StatusCancelled is a reservation cancelled by the host or the guest.
	StatusCancelled ReservationStatus = "cancelled"
	// StatusOwnerStay is an owner block, usually because the owner stays.
	StatusOwnerStay ReservationStatus = "ownerStay"
	// StatusPending is an Airbnb request to book awaiting the host's
	// approval.
	StatusPending ReservationStatus = "pending"
	// StatusAwaitingPayment is an Airbnb reservation waiting on the guest's
	// payment.
	StatusAwaitingPayment ReservationStatus = "awaitingPayment"
	// StatusDeclined is an Airbnb request to book the host declined.
	StatusDeclined ReservationStatus = "declined"
	// StatusExpired is an Airbnb request to book that expired unanswered.
	StatusExpired ReservationStatus = "expired"
	// StatusUnconfirmed is a Vrbo request to book awaiting the host.
	StatusUnconfirmed ReservationStatus = "unconfirmed"
	// StatusAwaitingGuestVerification is an Airbnb reservation waiting on
	// the guest's verification.
	StatusAwaitingGuestVerification ReservationStatus = "awaitingGuestVerification"
	// StatusInquiry is a guest's question about a stay.
	StatusInquiry ReservationStatus = "inquiry"
	// StatusInquiryPreapproved is an Airbnb inquiry the host pre-approved.
	StatusInquiryPreapproved ReservationStatus = "inquiryPreapproved"
	// StatusInquiryDenied is an Airbnb inquiry the host denied.
	StatusInquiryDenied ReservationStatus = "inquiryDenied"
	// StatusInquiryTimedout is an Airbnb pre-approval the guest did not act
	// on in time.
	StatusInquiryTimedout ReservationStatus = "inquiryTimedout"
	// StatusInquiryNotPossible is an Airbnb inquiry the host declined.
	StatusInquiryNotPossible ReservationStatus = "inquiryNotPossible"
	// StatusUnknown is Hostaway's own status "unknown": an Airbnb inquiry
	// that failed.
	StatusUnknown ReservationStatus = "unknown"
)

// Reservation is Hostaway's reservation object, the data of the
// reservation.created and reservation.updated events
// (https://api.hostaway.com/documentation#reservation-object).
//
// Besides the documented fields it has listingName, paymentStatus,
// insertedOn, updatedOn and latestActivityOn, which the API returns though
// the reference does not list them. Payment-card fields the API may also
// return (ccName, ccNumber, cvc, ...) are deliberately not decoded; like every
// other undocumented field they stay in the raw body only.
type Reservation struct {
	ID                    lenient.Int    `json:"id"`
	ListingMapID          lenient.Int    `json:"listingMapId"`
	ListingName           lenient.String `json:"listingName"`
	ChannelID             lenient.Int    `json:"channelId"`
	Source                lenient.String `json:"source"`
	ChannelName           lenient.String `json:"channelName"`
	ReservationID         lenient.String `json:"reservationId"` // the channel's reservation id
	HostawayReservationID lenient.String `json:"hostawayReservationId"`
	ChannelReservationID  lenient.String `json:"channelReservationId"`
	ExternalPropertyID    lenient.String `json:"externalPropertyId"`
	ExternalRatePlanID    lenient.String `json:"externalRatePlanId"`
	ExternalUnitID        lenient.String `json:"externalUnitId"`
	AssigneeUserID        lenient.Int    `json:"assigneeUserId"`
	ManualIcalID          lenient.String `json:"manualIcalId"`
	ManualIcalName        lenient.String `json:"manualIcalName"`
	IsProcessed           lenient.Bool   `json:"isProcessed"`
	IsInitial             lenient.Bool   `json:"isInitial"`
	IsManuallyChecked     lenient.Bool   `json:"isManuallyChecked"`
	IsInstantBooked       lenient.Bool   `json:"isInstantBooked"`
	HasPullError          lenient.Bool   `json:"hasPullError"`
	ReservationDate       lenient.Time   `json:"reservationDate"`
	PendingExpireDate     lenient.Time   `json:"pendingExpireDate"`

	GuestName              lenient.String `json:"guestName"`
	GuestFirstName         lenient.String `json:"guestFirstName"`
	GuestLastName          lenient.String `json:"guestLastName"`
	GuestExternalAccountID lenient.String `json:"guestExternalAccountId"`
	GuestZipCode           lenient.String `json:"guestZipCode"`
	GuestAddress           lenient.String `json:"guestAddress"`
	GuestCity              lenient.String `json:"guestCity"`
	GuestCountry           lenient.String `json:"guestCountry"`
	GuestEmail             lenient.String `json:"guestEmail"`
	GuestPicture           lenient.String `json:"guestPicture"`
	GuestRecommendations   lenient.Int    `json:"guestRecommendations"`
	GuestTrips             lenient.Int    `json:"guestTrips"`
	GuestWork              lenient.String `json:"guestWork"`
	// Deprecated: Hostaway still sends the guest-verification flags but
	// says to ignore them (changelog, 2025-08-07).
	IsGuestIdentityVerified lenient.Bool `json:"isGuestIdentityVerified"`
	// Deprecated: see IsGuestIdentityVerified.
	IsGuestVerifiedByEmail lenient.Bool `json:"isGuestVerifiedByEmail"`
	// Deprecated: see IsGuestIdentityVerified.
	IsGuestVerifiedByWorkEmail lenient.Bool `json:"isGuestVerifiedByWorkEmail"`
	// Deprecated: see IsGuestIdentityVerified.
	IsGuestVerifiedByFacebook lenient.Bool `json:"isGuestVerifiedByFacebook"`
	// Deprecated: see IsGuestIdentityVerified.
	IsGuestVerifiedByGovernmentID lenient.Bool `json:"isGuestVerifiedByGovernmentId"`
	// Deprecated: see IsGuestIdentityVerified.
	IsGuestVerifiedByPhone lenient.Bool `json:"isGuestVerifiedByPhone"`
	// Deprecated: see IsGuestIdentityVerified.
	IsGuestVerifiedByReviews lenient.Bool `json:"isGuestVerifiedByReviews"`

	NumberOfGuests lenient.Int `json:"numberOfGuests"`
	Adults         lenient.Int `json:"adults"`
	Children       lenient.Int `json:"children"`
	Infants        lenient.Int `json:"infants"`
	Pets           lenient.Int `json:"pets"`

	// ArrivalDate and DepartureDate are calendar dates of the listing.
	// When IsDatesUnspecified is true the channel gave no dates and
	// Hostaway set both to the day before the booking was made.
	ArrivalDate           event.Date     `json:"arrivalDate"`
	DepartureDate         event.Date     `json:"departureDate"`
	IsDatesUnspecified    lenient.Bool   `json:"isDatesUnspecified"`
	PreviousArrivalDate   event.Date     `json:"previousArrivalDate"`
	PreviousDepartureDate event.Date     `json:"previousDepartureDate"`
	CheckInTime           lenient.Int    `json:"checkInTime"`  // hour of the day, listing time
	CheckOutTime          lenient.Int    `json:"checkOutTime"` // hour of the day, listing time
	Nights                lenient.Int    `json:"nights"`
	Phone                 lenient.String `json:"phone"`

	// Amounts keep the exact decimal text Hostaway sent, in Currency.
	TotalPrice               lenient.Decimal `json:"totalPrice"`
	TaxAmount                lenient.Decimal `json:"taxAmount"`
	ChannelCommissionAmount  lenient.Decimal `json:"channelCommissionAmount"`
	HostawayCommissionAmount lenient.Decimal `json:"hostawayCommissionAmount"`
	CleaningFee              lenient.Decimal `json:"cleaningFee"`
	SecurityDepositFee       lenient.Decimal `json:"securityDepositFee"`
	IsPaid                   lenient.Bool    `json:"isPaid"`
	PaymentMethod            lenient.String  `json:"paymentMethod"`
	PaymentStatus            lenient.String  `json:"paymentStatus"` // "Paid", "Unpaid", "Unknown"; undocumented
	StripeGuestID            lenient.String  `json:"stripeGuestId"`
	Currency                 lenient.String  `json:"currency"`

	Status              ReservationStatus `json:"status"`
	CancellationDate    lenient.Time      `json:"cancellationDate"`
	CancelledBy         lenient.String    `json:"cancelledBy"` // "guest" or "host"
	HostNote            lenient.String    `json:"hostNote"`
	GuestNote           lenient.String    `json:"guestNote"`
	GuestLocale         lenient.String    `json:"guestLocale"`
	DoorCode            lenient.String    `json:"doorCode"`
	DoorCodeVendor      lenient.String    `json:"doorCodeVendor"`
	DoorCodeInstruction lenient.String    `json:"doorCodeInstruction"`
	Comment             lenient.String    `json:"comment"`
	ConfirmationCode    lenient.String    `json:"confirmationCode"`

	AirbnbExpectedPayoutAmount            lenient.Decimal `json:"airbnbExpectedPayoutAmount"`
	AirbnbListingBasePrice                lenient.Decimal `json:"airbnbListingBasePrice"`
	AirbnbListingCancellationHostFee      lenient.Decimal `json:"airbnbListingCancellationHostFee"`
	AirbnbListingCancellationPayout       lenient.Decimal `json:"airbnbListingCancellationPayout"`
	AirbnbListingCleaningFee              lenient.Decimal `json:"airbnbListingCleaningFee"`
	AirbnbListingHostFee                  lenient.Decimal `json:"airbnbListingHostFee"`
	AirbnbListingSecurityPrice            lenient.Decimal `json:"airbnbListingSecurityPrice"`
	AirbnbOccupancyTaxAmountPaidToHost    lenient.Decimal `json:"airbnbOccupancyTaxAmountPaidToHost"`
	AirbnbTotalPaidAmount                 lenient.Decimal `json:"airbnbTotalPaidAmount"`
	AirbnbTransientOccupancyTaxPaidAmount lenient.Decimal `json:"airbnbTransientOccupancyTaxPaidAmount"`
	AirbnbCancellationPolicy              lenient.String  `json:"airbnbCancellationPolicy"`

	IsStarred  lenient.Bool `json:"isStarred"`
	IsArchived lenient.Bool `json:"isArchived"`
	IsPinned   lenient.Bool `json:"isPinned"`
	// Deprecated: Hostaway still sends originalChannel but says to ignore
	// it (changelog, 2025-08-07).
	OriginalChannel        lenient.String  `json:"originalChannel"`
	CustomerUserID         lenient.String  `json:"customerUserId"`
	RentalAgreementFileURL lenient.String  `json:"rentalAgreementFileUrl"`
	ReservationAgreement   lenient.String  `json:"reservationAgreement"` // "not_required", "signed", "not_signed"
	RemainingBalance       lenient.Decimal `json:"remainingBalance"`
	InsuranceStatus        lenient.String  `json:"insuranceStatus"` // "insured", "pending", "rejected", "not_eligible"
	ClaimStatus            lenient.String  `json:"claimStatus"`     // "claim_started", "claim_approved", ...
	InsurancePolicyID      lenient.Int     `json:"insurancePolicyId"`

	CancellationPolicyID       lenient.Int     `json:"cancellationPolicyId"`
	CancellationPolicy         lenient.String  `json:"cancellationPolicy"`
	BookingCancellationPolicy  json.RawMessage `json:"bookingCancellationPolicy"`  // type undocumented
	VrboCancellationPolicy     json.RawMessage `json:"vrboCancellationPolicy"`     // type undocumented
	MarriottCancellationPolicy json.RawMessage `json:"marriottCancellationPolicy"` // type undocumented
	// CancellationPolicyDetails is the policy as booked. ReservationsService.Get
	// always returns it, List only with IncludeCancellationPolicy; nil when
	// absent.
	CancellationPolicyDetails *CancellationPolicyDetails `json:"cancellationPolicyDetails"`
	HostProxyEmail            lenient.String             `json:"hostProxyEmail"`

	BookingcomSpecialRequests   *BookingcomSpecialRequests `json:"bookingcomSpecialRequests"`
	BookingcomSmokingPreference lenient.Int                `json:"bookingcomSmokingPreference"`
	BookingcomIsGeniusMember    lenient.Bool               `json:"bookingcomIsGeniusMember"`
	BookingcomBookerName        lenient.String             `json:"bookingcomBookerName"`
	BookingcomBookerCompany     lenient.String             `json:"bookingcomBookerCompany"`
	// BookingcomNoShowReportedAt is documented as account time, unlike the
	// other timestamps.
	BookingcomNoShowReportedAt lenient.Time `json:"bookingcomNoShowReportedAt"`
	BookingcomNoShowFeeWaived  lenient.Bool `json:"bookingcomNoShowFeeWaived"`

	CustomFieldValues []CustomFieldValue `json:"customFieldValues"`
	FinanceField      []FinanceField     `json:"financeField"`
	// ReservationFees and ReservationUnit are returned with
	// includeResources=1; their shape is undocumented.
	ReservationFees json.RawMessage `json:"reservationFees"`
	ReservationUnit json.RawMessage `json:"reservationUnit"`

	InsertedOn       lenient.Time `json:"insertedOn"`
	UpdatedOn        lenient.Time `json:"updatedOn"`
	LatestActivityOn lenient.Time `json:"latestActivityOn"`
}

// CancellationPolicyDetails is a reservation's cancellation policy.
type CancellationPolicyDetails struct {
	Name                   lenient.String           `json:"name"`
	ChannelID              lenient.Int              `json:"channelId"`
	ChannelSpecificCode    lenient.String           `json:"channelSpecificCode"`
	LongTerm               lenient.Bool             `json:"longTerm"`
	CancellationPolicyItem []CancellationPolicyItem `json:"cancellationPolicyItem"`
}

// CancellationPolicyItem is one refund rule of a cancellation policy: cancel
// TimeDelta seconds from Event (negative: before) and get RefundAmount of
// RefundField back.
type CancellationPolicyItem struct {
	RefundAmount lenient.Decimal `json:"refundAmount"`
	RefundType   lenient.String  `json:"refundType"`  // "percentage", ...
	RefundField  lenient.String  `json:"refundField"` // "totalPrice", ...
	TimeDelta    lenient.Int     `json:"timeDelta"`   // seconds
	Event        lenient.String  `json:"event"`       // "arrival", ...
}

// BookingcomSpecialRequests is what a Booking.com guest asked for.
type BookingcomSpecialRequests struct {
	Remarks        lenient.String  `json:"remarks"`
	GeniusFreebies []GeniusFreebie `json:"geniusFreebies"`
}

// GeniusFreebie is one Booking.com Genius benefit.
type GeniusFreebie struct {
	Code lenient.String `json:"code"`
	Text lenient.String `json:"text"`
}

// CustomFieldValue is the value of one of the account's custom fields on a
// reservation.
type CustomFieldValue struct {
	CustomFieldID lenient.Int    `json:"customFieldId"`
	Value         lenient.String `json:"value"`
}

// FinanceField is one line of a reservation's price breakdown.
type FinanceField struct {
	ID                     lenient.Int     `json:"id"`
	Units                  lenient.Int     `json:"units"`
	ListingFeeSettingID    lenient.Int     `json:"listingFeeSettingId"`
	Type                   lenient.String  `json:"type"` // "fee", "price", ...
	Name                   lenient.String  `json:"name"`
	Title                  lenient.String  `json:"title"`
	Alias                  lenient.String  `json:"alias"`
	Value                  lenient.Decimal `json:"value"`
	IsIncludedInTotalPrice lenient.Bool    `json:"isIncludedInTotalPrice"`
	IsOverriddenByUser     lenient.Bool    `json:"isOverriddenByUser"`
	IsMandatory            lenient.Bool    `json:"isMandatory"`
	IsQuantitySelectable   lenient.Bool    `json:"isQuantitySelectable"`
	IsDeleted              lenient.Bool    `json:"isDeleted"`
	Total                  lenient.Decimal `json:"total"`
}

// ConversationMessage is Hostaway's conversation message object, the data of
// the message.received event
// (https://api.hostaway.com/documentation#conversationmessage-object).
//
// Besides the documented fields it has userId, channelId,
// channelThreadMessageId, subject, messageSource, originatedBy,
// sentToChannelDate and imagesUrls, which the API returns though the
// reference does not list them.
type ConversationMessage struct {
	ID                     lenient.Int    `json:"id"`
	AccountID              lenient.Int    `json:"accountId"`
	UserID                 lenient.Int    `json:"userId"`
	ListingMapID           lenient.Int    `json:"listingMapId"`
	ReservationID          lenient.Int    `json:"reservationId"` // 0 when the conversation has no reservation
	ChannelID              lenient.Int    `json:"channelId"`
	ConversationID         lenient.Int    `json:"conversationId"`
	CommunicationID        lenient.Int    `json:"communicationId"`
	AirbnbThreadMessageID  lenient.String `json:"airbnbThreadMessageId"`
	ChannelThreadMessageID lenient.String `json:"channelThreadMessageId"`
	Subject                lenient.String `json:"subject"`
	Body                   lenient.String `json:"body"`
	// CommunicationType is "email", "channel", "sms" or "whatsapp".
	CommunicationType lenient.String `json:"communicationType"`
	// Status is "awaiting", "cancelled_by_user", "cancelled_by_system",
	// "sent", "paused" or "failed".
	Status lenient.String `json:"status"`
	// IsIncoming is true for a message from the guest. Hostaway does not say
	// whether message.received also fires for messages the host sends, so
	// check it.
	IsIncoming          lenient.Bool   `json:"isIncoming"`
	IsSeen              lenient.Bool   `json:"isSeen"`
	SentUsingHostaway   lenient.Bool   `json:"sentUsingHostaway"`
	Hash                lenient.String `json:"hash"`
	ListingTimeZoneName lenient.String `json:"listingTimeZoneName"` // IANA zone of the listing
	MessageSource       lenient.String `json:"messageSource"`       // "airbnbOfficial", "Dashboard", "Email", ...
	OriginatedBy        lenient.String `json:"originatedBy"`        // "system", "Account #<id>", "Automation #<id>"

	// The communication fields describe a message sent by one of the
	// account's automated communications.
	CommunicationEvent                lenient.String `json:"communicationEvent"`
	CommunicationTimeDelta            lenient.Int    `json:"communicationTimeDelta"`
	CommunicationApplyListingTimeZone lenient.Bool   `json:"communicationApplyListingTimeZone"`
	CommunicationAlwaysTrigger        lenient.Bool   `json:"communicationAlwaysTrigger"`

	// Date is the message's date (for a scheduled message, when it is due).
	Date lenient.Time `json:"date"`
	// SentChannelDate is when the message was sent to the channel, under
	// the reference's name; the API has been seen to send it as
	// SentToChannelDate instead.
	SentChannelDate   lenient.Time    `json:"sentChannelDate"`
	SentToChannelDate lenient.Time    `json:"sentToChannelDate"`
	ImagesURLs        json.RawMessage `json:"imagesUrls"` // shape undocumented
	// Attachments of a private attachment (IsPublic false) have URLs that
	// expire seven days after they are generated.
	Attachments []Attachment `json:"attachments"`
	InsertedOn  lenient.Time `json:"insertedOn"`
	UpdatedOn   lenient.Time `json:"updatedOn"`
}

// Attachment is a file attached to a conversation message.
type Attachment struct {
	ID                    lenient.Int    `json:"id"`
	AccountID             lenient.Int    `json:"accountId"`
	ListingMapID          lenient.Int    `json:"listingMapId"`
	ReservationID         lenient.Int    `json:"reservationId"`
	TaskID                lenient.Int    `json:"taskId"`
	ConversationMessageID lenient.Int    `json:"conversationMessageId"`
	CommunicationID       lenient.Int    `json:"communicationId"`
	Name                  lenient.String `json:"name"`
	URL                   lenient.String `json:"url"`
	Extension             lenient.String `json:"extension"`
	MimeType              lenient.String `json:"mimeType"`
	IsImage               lenient.Bool   `json:"isImage"`
	IsPublic              lenient.Bool   `json:"isPublic"`
}
