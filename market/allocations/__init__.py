"""The allocations area: review, approval and fulfilment of proposed deliveries."""
