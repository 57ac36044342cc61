"""Small helpers of tests/bench/run.sh, standard library only.

  helpers.py totp SECRET          the current RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret
  helpers.py form FILE ACTION     the url-encoded body of the form posting to ACTION in the HTML FILE,
                                  as a browser would send it unchanged (inputs, checked boxes and
                                  radios, textareas, selected options; the one-time key left out)
  helpers.py first FILE PREFIX    the first link in FILE whose path starts with PREFIX and a UUID
  helpers.py secrets FILE         "role email secret" for each account `stablereg demo` printed
"""

import html.parser
import re
import os
import sys
import time
import urllib.parse

# One TOTP for both scripts that sign regulators in: the scan's.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scan"))
from totp import code as totp_code  # noqa: E402




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
        print(totp_code(sys.argv[2], time.time()))
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
