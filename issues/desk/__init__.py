"""The desk's own screens for issues, behind the admin's login: assembly, page import, e-paper tools."""
