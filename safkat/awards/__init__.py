"""Provisional award, complaints during the standstill, final award and contracts."""
