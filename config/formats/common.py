"""The day-first date formats shared by every language of the site (see the package docstring).

Two-digit years are not accepted: "08/12/45" would become 2045 for a date of birth.
"""

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 08/12/2026: first, so widgets and the admin's calendar write it
    "%Y-%m-%d",  # 2026-12-08: ISO, as browsers' date inputs and the API send it
    "%d-%m-%Y",  # 08-12-2026
    "%d.%m.%Y",  # 08.12.2026
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # 14:30:59
    "%H:%M:%S.%f",  # 14:30:59.000200
    "%H:%M",  # 14:30
]
DATETIME_INPUT_FORMATS = [
    f"{day} {time}" for day in DATE_INPUT_FORMATS for time in TIME_INPUT_FORMATS
] + DATE_INPUT_FORMATS

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
