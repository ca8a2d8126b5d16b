package event

import (
	"strings"
	"time"
)

// Booking is a reservation normalized across providers. Every id is text,
// whatever JSON type the provider used. Fields the delivery does not carry are
// zero.
type Booking struct {
	ID         string        `json:"id"`
	PropertyID string        `json:"property_id,omitempty"`
	Status     BookingStatus `json:"status"`
	Arrival    Date          `json:"arrival"`
	Departure  Date          `json:"departure"`
	Guest      Guest         `json:"guest"`
	Adults     int           `json:"adults,omitempty"`
	Children   int           `json:"children,omitempty"`
	// Channel is where the booking came from, normalized by NormalizeChannel.
	Channel   Channel   `json:"channel,omitempty"`
	Total     Money     `json:"total"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Nights returns the number of nights from Arrival to Departure, or 0 when
// either is missing.
func (b Booking) Nights() int {
	if b.Arrival.IsZero() || b.Departure.IsZero() {
		return 0
	}
	return b.Arrival.DaysUntil(b.Departure)
}

// BookingStatus is the normalized state of a booking.
type BookingStatus string

// The normalized booking states.
const (
	// StatusConfirmed is a booking the guest holds.
	StatusConfirmed BookingStatus = "confirmed"
	// StatusTentative is a booking held but not yet confirmed (pending
	// payment, awaiting the host's approval, on hold).
	StatusTentative BookingStatus = "tentative"
	// StatusCancelled is a booking cancelled by the guest, the host or the
	// channel.
	StatusCancelled BookingStatus = "cancelled"
	// StatusInquiry is a question about a stay that holds no dates.
	StatusInquiry BookingStatus = "inquiry"
	// StatusBlocked is a period closed by the owner, not a guest's stay.
	StatusBlocked BookingStatus = "blocked"
	// StatusUnknown is a provider status with no normalized equivalent.
	StatusUnknown BookingStatus = "unknown"
)

// Guest is the person a booking or message is for.
type Guest struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Money is an amount in a currency. Amount is the exact decimal text the
// provider sent, such as "830.00": money never passes through float64. Currency
// is an ISO 4217 code such as "EUR", upper case, or "" when not given.
type Money struct {
	Amount   string `json:"amount,omitempty"`
	Currency string `json:"currency,omitempty"`
}

// IsZero reports whether m carries no amount.
func (m Money) IsZero() bool { return m.Amount == "" }

// String returns "830.00 EUR", the amount alone when there is no currency, or
// "" when there is no amount.
func (m Money) String() string {
	if m.Currency == "" || m.Amount == "" {
		return m.Amount
	}
	return m.Amount + " " + m.Currency
}

// Channel is the sales channel a booking came from, such as ChannelAirbnb.
// Channels without a constant keep the provider's name, lowercased.
type Channel string

// Well-known channels.
const (
	ChannelAirbnb      Channel = "airbnb"
	ChannelVrbo        Channel = "vrbo"
	ChannelBookingCom  Channel = "booking.com"
	ChannelExpedia     Channel = "expedia"
	ChannelGoogle      Channel = "google"
	ChannelTripAdvisor Channel = "tripadvisor"
	// ChannelDirect is a booking made with the host: by hand, on the host's
	// own website or through the property-management system itself.
	ChannelDirect Channel = "direct"
)

// NormalizeChannel maps a provider's channel name to a Channel: the many
// spellings of the well-known channels ("Airbnb", "airbnbOfficial",
// "BookingCom", "Booking.com", "HomeAway", "VRBO", "Website", "Manual", the
// host's own booking engine or WordPress site, ...)
// become their constants; any other name is kept, lowercased and trimmed. An
// empty name gives "".
func NormalizeChannel(name string) Channel {
	t := strings.TrimSpace(name)
	if t == "" {
		return ""
	}
	var buf [32]byte
	if len(t) > len(buf) || !isASCII(t) {
		// Rare: let strings.ToLower fold what is not ASCII.
		n := strings.ToLower(t)
		if c, ok := knownChannel(squeeze(n)); ok {
			return c
		}
		return Channel(n)
	}
	// The common case, without allocating: lower-case and squeeze on the
	// stack, then only an unknown name that changed is copied.
	lower, changed := buf[:0], false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
			changed = true
		case c == ' ' || c == '_' || c == '-' || c == '.':
			continue // squeezed out of the key only
		}
		lower = append(lower, c)
	}
	if c, ok := knownChannel(string(lower)); ok {
		return c
	}
	if !changed {
		return Channel(t)
	}
	return Channel(strings.ToLower(t))
}

// knownChannel returns the Channel of key, a lower-case channel name without
// separators, when it is one of the well-known spellings.
func knownChannel(key string) (Channel, bool) {
	switch {
	case strings.HasPrefix(key, "airbnb"):
		return ChannelAirbnb, true
	case strings.HasPrefix(key, "bookingcom"), key == "booking", key == "bdc":
		return ChannelBookingCom, true
	case strings.HasPrefix(key, "vrbo"), strings.HasPrefix(key, "homeaway"):
		return ChannelVrbo, true
	case strings.HasPrefix(key, "expedia"):
		return ChannelExpedia, true
	case strings.HasPrefix(key, "google"):
		return ChannelGoogle, true
	case strings.HasPrefix(key, "tripadvisor"):
		return ChannelTripAdvisor, true
	case key == "direct", key == "manual", key == "website", key == "directbooking",
		key == "owner", key == "ownerrez", key == "hostaway", key == "bookingsync",
		key == "smily", key == "channex", key == "api", key == "widget",
		key == "bookingengine", key == "wordpress", key == "ownerwebsite":
		return ChannelDirect, true
	}
	return "", false
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// squeeze drops the separators channel spellings vary in (" ", "_", "-",
// "."), without allocating when there are none.
func squeeze(s string) string {
	if !strings.ContainsAny(s, " _-.") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '_', '-', '.':
		default:
			b = append(b, s[i])
		}
	}
	return string(b)
}

// BookingOf returns the normalized booking that e carries, and false when it
// carries none. Events made by New and by the provider packages carry one for
// booking deliveries; any other Event can offer one by having a method
// Booking() (Booking, bool).
func BookingOf(e Event) (Booking, bool) {
	if e == nil {
		return Booking{}, false
	}
	if b, ok := e.(interface{ Booking() (Booking, bool) }); ok {
		return b.Booking()
	}
	return Booking{}, false
}
