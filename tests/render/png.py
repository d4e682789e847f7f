"""Just enough PNG decoding to look at a browser screenshot: 8-bit RGB or RGBA, not interlaced (what
Chromium writes). The test environment has numpy, not Pillow."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import numpy.typing as npt

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}  # colour type -> bytes per pixel at bit depth 8


def read_png(data: bytes) -> npt.NDArray[np.uint8]:
    """The image as a (height, width, 3) array of RGB bytes."""
    assert data[:8] == SIGNATURE, "not a PNG file"
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None, "no IHDR chunk"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in CHANNELS and interlace == 0, f"unsupported PNG layout {header}"
    bpp = CHANNELS[colour]
    raw = zlib.decompress(bytes(idat))
    stride = width * bpp
    rows = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], np.frombuffer(raw, dtype=np.uint8, count=stride, offset=start + 1)
        rows[y] = previous = _unfilter(kind, line, previous, bpp)
    return rows.reshape(height, width, bpp)[:, :, :3]


def _unfilter(kind: int, line: npt.NDArray[np.uint8], above: npt.NDArray[np.uint8], bpp: int) -> npt.NDArray[np.uint8]:
    if kind == 0:
        return line.copy()
    if kind == 1:  # Sub: a running sum per channel, modulo 256
        return np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
    if kind == 2:  # Up
        return (line + above).astype(np.uint8)
    out = bytearray(len(line))
    raw, up = line.tobytes(), above.tobytes()
    for i in range(len(raw)):
        left = out[i - bpp] if i >= bpp else 0
        if kind == 3:  # Average
            out[i] = (raw[i] + ((left + up[i]) >> 1)) & 0xFF
            continue
        corner = up[i - bpp] if i >= bpp else 0
        guess = left + up[i] - corner
        pa, pb, pc = abs(guess - left), abs(guess - up[i]), abs(guess - corner)
        predictor = left if pa <= pb and pa <= pc else up[i] if pb <= pc else corner  # Paeth
        out[i] = (raw[i] + predictor) & 0xFF
    return np.frombuffer(bytes(out), dtype=np.uint8)
