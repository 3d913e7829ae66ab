"""Stock movements shared by allocations and gift packs: locks, status moves, lot counters."""
