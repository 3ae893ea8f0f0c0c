"""Client rating, ideal client profiles and the contact plan, stored (S2.4, S4.1, S4.5, S2.2)."""
