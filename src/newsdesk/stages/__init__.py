"""Pipeline stages: each reads its batch from the store, does one job, writes it back."""
