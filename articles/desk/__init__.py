"""The desk's own screens for articles, behind the admin's login: review steps, revisions, corrections, photo forms, the home page."""
