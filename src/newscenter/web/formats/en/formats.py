"""English dates as the public pages showed them before they spoke other languages."""

DATE_FORMAT = "M j, Y"
