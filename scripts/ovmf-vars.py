#!/usr/bin/env python3
"""Add SevLiveMigrationEnabled = 1 to a copy of an OVMF variable store.

    ovmf-vars.py IN OUT      write OUT: IN with the variable added
    ovmf-vars.py --list IN   print the variables IN holds

Linux, booted by UEFI as an SEV guest, declares itself ready for migration
(MSR_KVM_MIGRATION_CONTROL = KVM_MIGRATION_READY) only when the UEFI
variable SevLiveMigrationEnabled of AMD_SEV_MEM_ENCRYPT_GUID is non-zero
(arch/x86/kernel/kvm.c, setup_efi_kvm_sev_migration()).  A firmware that
supports live migration sets it; Debian's OVMF 2022.11 does not, so the
demo puts it in the guest's variable store, as the operator of a firmware
known to support migration would.

The store layout is edk2's (MdeModulePkg/Include/Guid/VariableFormat.h):
a firmware volume header, a VARIABLE_STORE_HEADER for authenticated
variables, then variables, each an AUTHENTICATED_VARIABLE_HEADER, its
UTF-16 name and its data, 4-byte aligned; free space is 0xff.
"""
import struct
import sys
import uuid

AUTH_STORE_GUID = uuid.UUID("aaf32c78-947b-439a-a180-2e144ec37792")
AMD_SEV_MEM_ENCRYPT_GUID = uuid.UUID("0cf29b71-9e51-433a-a3b7-81f3ab16b875")
NAME = "SevLiveMigrationEnabled"
START_ID = 0x55AA
VAR_ADDED = 0x3F
# EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS
ATTRS = 0x7
HDR = struct.Struct("<HBBIQ16sIII16s")   # 60 bytes


def store(data):
    """The offset of the variable store and its end."""
    if data[0x28:0x2C] != b"_FVH":
        sys.exit("ovmf-vars: no firmware volume header")
    hlen = struct.unpack_from("<H", data, 0x30)[0]
    if uuid.UUID(bytes_le=bytes(data[hlen:hlen + 16])) != AUTH_STORE_GUID:
        sys.exit("ovmf-vars: not an authenticated variable store")
    size, fmt, state = struct.unpack_from("<IBB", data, hlen + 16)
    if fmt != 0x5A or state != 0xFE:
        sys.exit("ovmf-vars: variable store not formatted and healthy")
    return hlen + 28, hlen + size


def variables(data):
    """(offset, state, name, guid, value) of each variable, and the free offset."""
    off, end = store(data)
    out = []
    while off + HDR.size <= end:
        sid, st, _, _, _, _, _, nsize, dsize, guid = HDR.unpack_from(data, off)
        if sid != START_ID:
            break
        name = data[off + HDR.size:off + HDR.size + nsize].decode("utf-16le").rstrip("\0")
        value = bytes(data[off + HDR.size + nsize:off + HDR.size + nsize + dsize])
        out.append((off, st, name, uuid.UUID(bytes_le=bytes(guid)), value))
        off = (off + HDR.size + nsize + dsize + 3) & ~3
    return out, off, end


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--list":
        data = open(sys.argv[2], "rb").read()
        for off, st, name, guid, value in variables(data)[0]:
            print(f"{off:#x} state {st:#x} {guid} {name} = {value.hex()}")
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data = bytearray(open(sys.argv[1], "rb").read())
    vs, free, end = variables(data)
    for _, st, name, guid, _ in vs:
        if name == NAME and guid == AMD_SEV_MEM_ENCRYPT_GUID and st == VAR_ADDED:
            sys.exit(f"ovmf-vars: {sys.argv[1]} already has {NAME}")
    name = (NAME + "\0").encode("utf-16le")
    value = b"\x01"
    rec = HDR.pack(START_ID, VAR_ADDED, 0, ATTRS, 0, bytes(16), 0, len(name),
                   len(value), AMD_SEV_MEM_ENCRYPT_GUID.bytes_le) + name + value
    if free + len(rec) > end or data[free:free + len(rec)] != b"\xff" * len(rec):
        sys.exit("ovmf-vars: no free space at the end of the store")
    data[free:free + len(rec)] = rec
    open(sys.argv[2], "wb").write(data)


if __name__ == "__main__":
    main()
