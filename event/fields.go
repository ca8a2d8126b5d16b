package event

import "time"

// Fields is the content of an Event. Provider packages normalize a delivery
// into Fields and call New; users' tests can do the same (see package
// eventtest).
type Fields struct {
	Provider Provider
	Type     Type // the zero value means TypeUnknown
	Name     string
	ID       string
	Account  string
	Subject  Subject
	Time     time.Time
	Raw      []byte
	Data     any

	// Booking, when non-nil, is the normalized booking the delivery carries;
	// BookingOf returns it.
	Booking *Booking
	// Message, when non-nil, is the normalized message the delivery carries;
	// MessageOf returns it.
	Message *Message

	// Version is the version of the record the event carries, as VersionOf
	// reports it; "" when unknown.
	Version string
	// Origin is how the event reached the receiver, as OriginOf reports
	// it; "" means OriginWebhook.
	Origin Origin
}

// New returns an Event with the content of f. It does not copy f.Raw: the
// caller hands it over.
func New(f Fields) Event {
	if f.Type == "" {
		f.Type = TypeUnknown
	}
	return &fieldsEvent{f: f}
}

type fieldsEvent struct{ f Fields }

func (e *fieldsEvent) Provider() Provider { return e.f.Provider }
func (e *fieldsEvent) Type() Type         { return e.f.Type }
func (e *fieldsEvent) Name() string       { return e.f.Name }
func (e *fieldsEvent) ID() string         { return e.f.ID }
func (e *fieldsEvent) Account() string    { return e.f.Account }
func (e *fieldsEvent) Subject() Subject   { return e.f.Subject }
func (e *fieldsEvent) Time() time.Time    { return e.f.Time }
func (e *fieldsEvent) Raw() []byte        { return e.f.Raw }
func (e *fieldsEvent) Data() any          { return e.f.Data }
func (e *fieldsEvent) Version() string    { return e.f.Version }
func (e *fieldsEvent) Origin() Origin     { return e.f.Origin }

func (e *fieldsEvent) Booking() (Booking, bool) {
	if e.f.Booking == nil {
		return Booking{}, false
	}
	return *e.f.Booking, true
}

func (e *fieldsEvent) Message() (Message, bool) {
	if e.f.Message == nil {
		return Message{}, false
	}
	return *e.f.Message, true
}

func (e *fieldsEvent) String() string {
	s := string(e.f.Provider) + " " + e.f.Name + " (" + string(e.f.Type) + ")"
	if subj := e.f.Subject.String(); subj != "" {
		s += " " + subj
	}
	return s
}
