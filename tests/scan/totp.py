"""The current TOTP code of a base32 secret (RFC 6238: HMAC-SHA-1, 30 s steps, 6 digits), as an
authenticator app shows it, with the standard library only. `make scan` signs the demo regulators in
with it: python3 tests/scan/totp.py SECRET
"""

import base64
import hmac
import struct
import sys
import time


def code(secret: str, unix_time: float, step: int = 30, digits: int = 6) -> str:
    secret = secret.strip().replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(unix_time) // step)
    mac = hmac.new(key, counter, "sha1").digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: totp.py BASE32_SECRET")
    print(code(sys.argv[1], time.time()))
