"""`make bench`: watchproxy measured against baselines on the same machine, in one run (see __main__)."""
