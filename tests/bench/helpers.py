"""Small helpers of tests/bench/run.sh, standard library only.

  helpers.py totp SECRET          the current RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret
  helpers.py form FILE ACTION     the url-encoded body of the form posting to ACTION in the HTML FILE,
                                  as a browser would send it unchanged (inputs, checked boxes and
                                  radios, textareas, selected options; the one-time key left out)
  helpers.py first FILE PREFIX    the first link in FILE whose path starts with PREFIX and a UUID
  helpers.py secrets FILE         "role email secret" for each account `stablereg demo` printed
"""

import base64
import hashlib
import hmac
import html.parser
import re
import struct
import sys
import time
import urllib.parse


def totp(secret, at=None):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    step = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class FormReader(html.parser.HTMLParser):
    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields = []
        self.textarea = None
        self.select = None
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            # A form without an action posts to the page's own address, which ACTION names.
            self.inside = a.get("action") in (self.action, "", None) and a.get("method", "get").lower() == "post"
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and name != "idempotency_key":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            self.fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = [name, None]
            self.first_option = None
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.select[1] = value

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            value = self.select[1] if self.select[1] is not None else (self.first_option or "")
            self.fields.append((self.select[0], value))
            self.select = None


def main():
    command = sys.argv[1]
    if command == "totp":
        print(totp(sys.argv[2]))
    elif command == "form":
        reader = FormReader(sys.argv[3])
        with open(sys.argv[2], encoding="utf-8") as page:
            reader.feed(page.read())
        print(urllib.parse.urlencode(reader.fields))
    elif command == "first":
        with open(sys.argv[2], encoding="utf-8") as page:
            text = page.read()
        prefix = re.escape(sys.argv[3])
        found = re.search(prefix + r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text)
        print(found.group(0) if found else "")
    elif command == "secrets":
        with open(sys.argv[2], encoding="utf-8") as out:
            for line in out:
                found = re.match(r"\s*(\w+)\s+(\S+@\S+)\s+TOTP secret (\S+)", line)
                if found:
                    print(*found.groups())
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
