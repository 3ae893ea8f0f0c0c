"""Personal-data rights (GDPR in Spain and Portugal, LGPD in Brazil): export and erasure."""
