"""The demo district: the one app that may know every other (it fills them all)."""
