"""Handling in the Wagtail admin, for the staff of the sites a case or comment
belongs to: listings on Wagtail's generic views (filters, search, ordering,
pagination, spreadsheet export) with a permission policy scoped to the user's
sites, and small views for each case's and comment's steps."""
