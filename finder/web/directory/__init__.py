"""Public directory pages and the listings API."""
