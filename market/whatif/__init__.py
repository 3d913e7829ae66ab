"""What-if: strategies compared on a snapshot of the market, nothing written."""
