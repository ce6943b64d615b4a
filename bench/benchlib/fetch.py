"""The module manifest (bench/modules.txt) and fetching: `npm pack PACKAGE@VERSION` into
bench/.work/npm/, the tarball's sha256 checked, the named .wasm extracted to bench/.work/modules/
and its sha256 checked. A file already there with the right hash is not fetched again."""

import dataclasses
import hashlib
import os
import subprocess
import tarfile


class FetchError(Exception):
    pass


@dataclasses.dataclass
class ModuleEntry:
    id: str
    package: str  # name@version
    tarball_sha256: str
    member: str  # path inside the tarball
    wasm_sha256: str
    features: list  # proposals beyond plain 2.0-without-SIMD: "simd", "threads"
    source: str

    @property
    def has_simd(self):
        return "simd" in self.features


def read_manifest(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cols = line.split()
            if len(cols) != 7:
                raise FetchError(f"{path}:{n}: expected 7 columns, found {len(cols)}")
            features = [] if cols[5] == "-" else cols[5].split(",")
            entries.append(ModuleEntry(cols[0], cols[1], cols[2].lower(), cols[3],
                                       cols[4].lower(), features, cols[6]))
    return entries


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tarball_name(package):
    """npm pack's file name: @scope/name@1.2 -> scope-name-1.2.tgz."""
    name, version = package.rsplit("@", 1)
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def _npm_pack(package, npm_dir, log):
    npm_dir = os.path.abspath(npm_dir)
    tarball = os.path.join(npm_dir, _tarball_name(package))
    if os.path.exists(tarball):
        return tarball
    os.makedirs(npm_dir, exist_ok=True)
    log(f"fetching {package} (npm pack)")
    env = dict(os.environ, npm_config_cache=os.path.join(npm_dir, "cache"),
               npm_config_update_notifier="false", npm_config_fund="false",
               npm_config_audit="false")
    proc = subprocess.run(["npm", "pack", package, "--silent", "--pack-destination", npm_dir],
                          cwd=npm_dir, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 or not os.path.exists(tarball):
        raise FetchError(f"npm pack {package} failed: {proc.stderr.strip()[-500:]}")
    return tarball


def fetch(entry, work_dir, log=print):
    """Returns the path of the verified .wasm for `entry`, fetching it if needed."""
    modules_dir = os.path.join(work_dir, "modules")
    wasm_path = os.path.join(modules_dir, entry.id + ".wasm")
    if os.path.exists(wasm_path) and sha256_file(wasm_path) == entry.wasm_sha256:
        return wasm_path
    tarball = _npm_pack(entry.package, os.path.join(work_dir, "npm"), log)
    got = sha256_file(tarball)
    if got != entry.tarball_sha256:
        os.unlink(tarball)  # fetched again next time
        raise FetchError(f"{entry.package}: tarball sha256 is {got}, manifest says "
                         f"{entry.tarball_sha256}")
    os.makedirs(modules_dir, exist_ok=True)
    with tarfile.open(tarball, "r:gz") as tar:
        try:
            member = tar.getmember(entry.member)
        except KeyError:
            raise FetchError(f"{entry.package}: no {entry.member} in the tarball") from None
        src = tar.extractfile(member)
        tmp = wasm_path + ".tmp"
        with open(tmp, "wb") as out:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                out.write(chunk)
    got = sha256_file(tmp)
    if got != entry.wasm_sha256:
        os.unlink(tmp)
        raise FetchError(f"{entry.id}: {entry.member} sha256 is {got}, manifest says "
                         f"{entry.wasm_sha256}")
    os.replace(tmp, wasm_path)
    return wasm_path
