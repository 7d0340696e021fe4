"""Date and time formats of MotCua's languages (settings.FORMAT_MODULE_PATH), on top of Django's.

Vietnamese write dates day first (08/12/2026 is 8 December 2026), and so does every page and the
admin in both languages: inputs accept dd/mm/yyyy and ISO yyyy-mm-dd, the first input format is
what widgets and the admin's calendar write, and dates are shown as dd/mm/yyyy. Only what
differs from Django's own locale files is set here; numbers keep each language's separators.
"""
