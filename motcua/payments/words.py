"""An amount of money in Vietnamese words, as a receipt writes it ("Số tiền bằng chữ").

`amount_in_words(1250000)` → "Một triệu hai trăm năm mươi nghìn đồng". The rules are the common
accounting usage (what Vietnamese accounting software prints on invoices and receipts):

- Digits are read in groups of three: hundreds ("trăm"), tens ("mươi"), units. The groups are
  named "nghìn" (not "ngàn"), "triệu" and "tỷ"; above a "tỷ" the same names repeat
  ("một nghìn tỷ", "một triệu tỷ"). A group that is all zeros is not read.
- A group after the first one read is read with its hundreds even when they are zero, and a zero
  tens digit before a non-zero unit is "linh": 1005000 → "Một triệu không trăm linh năm nghìn
  đồng", 105000 → "Một trăm linh năm nghìn đồng". The first group read has no "không trăm".
- Tens: 1 is "mười", 2-9 are "<digit> mươi".
- Units after "mươi": 1 is "mốt" ("hai mươi mốt"), 4 is "bốn" ("hai mươi bốn"; not the
  colloquial "tư"), 5 is "lăm" ("hai mươi lăm"). After "mười": 5 is "lăm" ("mười lăm"), 1 is
  "một" ("mười một"). After "linh", after "trăm" and alone, a unit is its own word ("linh một",
  "linh năm").
- The first letter is a capital and the words end with "đồng"; 0 is "Không đồng".
"""

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ((1_000_000, "triệu"), (1_000, "nghìn"), (1, ""))
BILLION = 1_000_000_000


def amount_in_words(n: int) -> str:
    """`n` đồng in Vietnamese words (see the module doc for the rules); ValueError if negative."""
    if n < 0:
        raise ValueError("an amount is not negative")
    words = _number(n, leading=True) if n else [DIGITS[0]]
    text = " ".join([*words, "đồng"])
    return text[0].upper() + text[1:]


def _number(n: int, *, leading: bool) -> list[str]:
    """The words of `n` > 0; `leading`: it begins the amount (its first group has no
    "không trăm")."""
    if n >= BILLION:
        high, low = divmod(n, BILLION)
        above = [*_number(high, leading=leading), "tỷ"]
        return above + _number(low, leading=False) if low else above
    words: list[str] = []
    first = leading
    for size, name in GROUPS:
        value = n // size % 1000
        if not value:
            continue
        words += _group(value, full=not first)
        if name:
            words.append(name)
        first = False
    return words


def _group(n: int, *, full: bool) -> list[str]:
    """The words of a group 1..999; `full`: read its hundreds even when they are zero."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 5: "lăm"}.get(units, DIGITS[units]))
    return words
