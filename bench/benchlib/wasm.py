"""Reads the section layout of a .wasm file: enough to know the size of the code section, the
bytes of its function bodies (the throughput numerator, the same one `slipstream compile` uses)
and how many functions it defines. Does not validate anything."""

import dataclasses

CODE_SECTION = 10


@dataclasses.dataclass
class WasmInfo:
    size: int  # the whole file
    code_section_size: int  # payload of section 10
    body_bytes: int  # sum of the function bodies' sizes (without their size prefixes)
    n_funcs: int  # functions defined (bodies in the code section)


def _leb_u32(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7


def read_info(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\0asm":
        raise ValueError(f"{path}: not a wasm module")
    at, code_size, body_bytes, n_funcs = 8, 0, 0, 0
    while at < len(data):
        section_id = data[at]
        size, at = _leb_u32(data, at + 1)
        if section_id == CODE_SECTION:
            code_size = size
            n_funcs, p = _leb_u32(data, at)
            for _ in range(n_funcs):
                body_size, p = _leb_u32(data, p)
                body_bytes += body_size
                p += body_size
        at += size
    return WasmInfo(len(data), code_size, body_bytes, n_funcs)
