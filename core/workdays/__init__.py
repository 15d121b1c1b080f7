"""工作日历: the platform-wide working-day calendar (holidays and adjusted working
weekends from the State Council's yearly notice) that deadlines are counted on."""
