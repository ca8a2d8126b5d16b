package inbox

// SetAfterStore makes Reconcile call f after it stored a page and before it
// saves the checkpoint; an error from f ends the pass there, as a crash
// would.
func SetAfterStore(ib *Inbox, f func() error) { ib.afterStore = f }
