package inbox

// SetAfterStore makes Reconcile call f after it stored a page and before it
// saves the checkpoint; an error from f ends the pass there, as a crash
// would.
func SetAfterStore(ib *Inbox, f func() error) { ib.afterStore = f }

// SetBeforeStore makes each group write of ib call f with its size first;
// an error from f fails that write, as the database would.
func SetBeforeStore(ib *Inbox, f func(n int) error) { ib.beforeStore = f }

// ReceiveBusy reports whether ib's receive path counts as busy for the
// workers' claims (see WithReceiveFirst).
func ReceiveBusy(ib *Inbox) bool { return ib.group.busy(yieldQuiet) }
