#!/usr/bin/env python3
"""Repack Debian python3-* .debs into py3-none-any wheels and write a PEP 503 simple index.

Used by wheelhouse.sh; runs under the system's /usr/bin/python3 (standard library + pip's vendored
`packaging`). Starting from the requested distribution names it follows each wheel's Requires-Dist
(markers evaluated for every --python version given, extras ignored) until the set is closed,
downloading the Debian packages it needs with the apt command given after `--`.

Debian ships most pure-Python libraries with their upstream metadata (.dist-info, or .egg-info for
older setuptools builds) under usr/lib/python3/dist-packages. A wheel is that payload plus a
.dist-info with METADATA, WHEEL, entry_points.txt, top_level.txt and a fresh RECORD. Wheels are
written byte for byte reproducibly (fixed timestamps, sorted entries).

Special cases, each explained where it is defined:
  DEB_FOR      distributions whose Debian package is not python3-<name>
  WHEEL_DEB    pip, setuptools, wheel: Debian ships their upstream wheels (python3-*-whl), copied
  REQUIRES_FIX Debian metadata that lost upstream's install_requires
  tzdata       Debian has no python3-tzdata: the wheel is made from Debian's tzdata package
  symlinks     Debian replaces bundled JavaScript (Django admin's jQuery) with links into
               libjs-* packages: those are unpacked and the files stored in the wheel
  compiled     a package with C/Rust extensions (psycopg-c, watchfiles) is only built for trixie's
               Python: its wheel is tagged for that CPython and linux_x86_64 (from the .so names),
               so pip installs it only where it can load; every other wheel is py3-none-any
"""

import argparse
import base64
import email.parser
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

try:
    from packaging.markers import Marker  # noqa: F401
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # the system python has no packaging module: pip vendors one
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

BUILDER_VERSION = "5"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
PURELIB = "usr/lib/python3/dist-packages"

# distribution (canonical name) -> Debian binary packages holding it
DEB_FOR = {
    "python-dateutil": ["python3-dateutil"],
    "python-dotenv": ["python3-dotenv"],
    "supervisor": ["supervisor"],
    "tzdata": ["tzdata", "tzdata-legacy"],
}

# Debian ships these as real upstream wheels (for venv's ensurepip): used as they are
WHEEL_DEB = {
    "pip": "python3-pip-whl",
    "setuptools": "python3-setuptools-whl",
    "wheel": "python3-wheel-whl",
}

# Requirements upstream declares but Debian's egg-info lost (its requires.txt has extras only).
# Checked against the packages' Debian Depends and their imports.
REQUIRES_FIX = {
    "click-repl": ["click>=7.0", "prompt-toolkit>=3.0.36"],
    "pytest-django": ["pytest>=5.4.0"],
}


def log(msg):
    print(f"[wheelhouse] {msg}", file=sys.stderr, flush=True)


def fail(msg):
    print(f"[wheelhouse] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def escape_name(name):
    return re.sub(r"[-_.]+", "_", name).lower()


def b64_digest(data):
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def marker_envs(pythons):
    envs = []
    for full in pythons:
        major_minor = ".".join(full.split(".")[:2])
        envs.append({
            "implementation_name": "cpython",
            "implementation_version": full,
            "os_name": "posix",
            "platform_machine": "x86_64",
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Linux",
            "platform_version": "",
            "python_full_version": full,
            "python_version": major_minor,
            "sys_platform": "linux",
            "extra": "",
        })
    return envs


class Apt:
    """apt-get download / apt-cache through the private configuration given on the command line."""

    def __init__(self, apt_get, deb_dir):
        self.apt_get = apt_get  # e.g. ["apt-get", "-o", "...", ...]
        self.apt_cache = ["apt-cache"] + apt_get[1:]
        self.deb_dir = deb_dir

    def cached(self, pkg):
        found = sorted(f for f in os.listdir(self.deb_dir)
                       if f.startswith(pkg + "_") and f.endswith(".deb"))
        return os.path.join(self.deb_dir, found[-1]) if found else None

    def exists(self, pkg):
        if self.cached(pkg):
            return True
        out = subprocess.run(self.apt_cache + ["policy", pkg], capture_output=True, text=True)
        m = re.search(r"Candidate:\s*(\S+)", out.stdout)
        return bool(m and m.group(1) != "(none)")

    def fetch(self, pkgs):
        missing = [p for p in pkgs if not self.cached(p)]
        if missing:
            log("apt-get download " + " ".join(missing))
            subprocess.run(self.apt_get + ["download"] + missing, cwd=self.deb_dir, check=True,
                           stdout=sys.stderr, timeout=600)
        return {p: self.cached(p) for p in pkgs}


def deb_field(deb, field):
    out = subprocess.run(["dpkg-deb", "-f", deb, field], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def extract(deb, stage):
    dest = os.path.join(stage, os.path.basename(deb)[:-4])
    if not os.path.isfile(os.path.join(dest, ".done")):
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        subprocess.run(["dpkg-deb", "-x", deb, dest], check=True)
        open(os.path.join(dest, ".done"), "w").close()
    return dest


def resolve_link(path, root, roots):
    """Content of the symlink `path` (inside extraction `root`), looked up in `roots`."""
    for _ in range(20):
        target = os.readlink(path)
        fake = os.path.normpath(os.path.join("/", os.path.dirname(os.path.relpath(path, root)), target))
        for r in roots:
            cand = r + fake
            if os.path.lexists(cand):
                if os.path.islink(cand):
                    path, root = cand, r
                    break
                if os.path.isfile(cand):
                    return cand
        else:
            return None
    return None


def parse_requires_txt(text):
    """setuptools' requires.txt -> Requires-Dist values."""
    out, section = [], ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        extra, _, marker = section.partition(":")
        conds = []
        if marker:
            conds.append(f"({marker})" if extra else marker)
        if extra:
            conds.append(f'extra == "{extra}"')
        out.append(line + ("; " + " and ".join(conds) if conds else ""))
    return out


def add_headers(metadata, headers):
    """Insert header lines before the body of an RFC 822 style METADATA text."""
    if not headers:
        return metadata
    head, sep, body = metadata.partition("\n\n")
    return head.rstrip("\n") + "\n" + "\n".join(headers) + "\n" + (sep + body if sep else "\n")


def tzdata_payload(roots, debs):
    """The `tzdata` distribution made from Debian's tzdata (+ tzdata-legacy) zoneinfo."""
    iana = deb_field(debs[0], "Version").split("-")[0]  # 2026f-0+deb13u1 -> 2026f
    m = re.fullmatch(r"(\d{4})([a-z])", iana)
    if not m:
        fail(f"tzdata: unexpected Debian version {iana}")
    version = f"{m.group(1)}.{ord(m.group(2)) - ord('a') + 1}"  # 2026f -> 2026.6 like upstream
    files, zones, dirs = {}, [], set()
    for root in roots:
        zi = os.path.join(root, "usr/share/zoneinfo")
        if not os.path.isdir(zi):
            continue
        for dirpath, dirnames, filenames in os.walk(zi):
            rel_dir = os.path.relpath(dirpath, zi)
            if rel_dir == ".":
                dirnames[:] = [d for d in dirnames if d not in ("posix", "right")]
            for fn in filenames:
                p = os.path.join(dirpath, fn)
                rel = os.path.normpath(os.path.join(rel_dir, fn))
                src = resolve_link(p, root, roots) if os.path.islink(p) else p
                if not src:
                    continue
                with open(src, "rb") as f:
                    data = f.read()
                if data[:4] == b"TZif":
                    if rel in ("localtime", "posixrules"):
                        continue
                    zones.append(rel)
                elif rel not in ("tzdata.zi", "zone.tab", "zone1970.tab", "iso3166.tab", "leapseconds"):
                    continue
                files["tzdata/zoneinfo/" + rel] = data
                d = os.path.dirname(rel)
                while d:
                    dirs.add(d)
                    d = os.path.dirname(d)
    if "UTC" not in zones:
        fail("tzdata: no zone files found in the tzdata package")
    files["tzdata/__init__.py"] = (
        "# Repacked from Debian's tzdata package for an offline index.\n"
        f'__version__ = "{version}"\nIANA_VERSION = "{iana}"\n').encode()
    files["tzdata/zoneinfo/__init__.py"] = b""
    for d in dirs:
        files[f"tzdata/zoneinfo/{d}/__init__.py"] = b""
    files["tzdata/zones"] = ("\n".join(sorted(zones)) + "\n").encode()
    metadata = (
        "Metadata-Version: 2.1\nName: tzdata\n"
        f"Version: {version}\n"
        "Summary: Provider of IANA time zone data (repacked from Debian's tzdata)\n"
        "License: Apache-2.0\nRequires-Python: >=2\n\n")
    return "tzdata", version, files, metadata, {"top_level.txt": b"tzdata\n"}


# `_x.cpython-313-x86_64-linux-gnu.so` -> the wheel tag of the Python and platform it was built for
EXTENSION = re.compile(r"\.cpython-(\d)(\d+)-x86_64-linux-gnu\.so$")


def python_payload(name, roots, all_roots, debs):
    """Files, metadata and wheel tag of a Debian python3-* package (tag py3-none-any unless compiled)."""
    files, meta_dirs, tags = {}, [], set()
    for root in roots:
        base = os.path.join(root, PURELIB)
        if not os.path.isdir(base):
            continue
        for entry in sorted(os.listdir(base)):
            if entry.endswith((".dist-info", ".egg-info")):
                meta_dirs.append(os.path.join(base, entry))
                continue
            top = os.path.join(base, entry)
            walk = [(base, [], [entry])] if not os.path.isdir(top) or os.path.islink(top) else os.walk(top)
            for dirpath, dirnames, filenames in walk:
                dirnames[:] = [d for d in dirnames if d != "__pycache__"]
                for fn in filenames:
                    p = os.path.join(dirpath, fn)
                    rel = os.path.relpath(p, base)
                    if fn.endswith((".so", ".pyd")) or ".cpython-" in fn:
                        m = EXTENSION.search(fn)
                        if not m:
                            fail(f"{name}: compiled file {rel} in {os.path.basename(debs[0])} is not a "
                                 "CPython x86_64 Linux extension: no wheel tag fits it")
                        tags.add(f"cp{m.group(1)}{m.group(2)}-cp{m.group(1)}{m.group(2)}-linux_x86_64")
                    src = p
                    if os.path.islink(p):
                        src = resolve_link(p, root, all_roots)
                        if not src:
                            fail(f"{name}: {rel} links to {os.readlink(p)}, found in no unpacked package")
                    with open(src, "rb") as f:
                        files[rel] = f.read()
    if len(meta_dirs) != 1:
        fail(f"{name}: expected one .dist-info/.egg-info in {[os.path.basename(d) for d in debs]}, "
             f"found {[os.path.basename(m) for m in meta_dirs]}")
    meta = meta_dirs[0]
    extra = {}
    if meta.endswith(".dist-info"):
        with open(os.path.join(meta, "METADATA"), encoding="utf-8") as f:
            metadata = f.read()
    else:
        pkg_info = os.path.join(meta, "PKG-INFO") if os.path.isdir(meta) else meta
        with open(pkg_info, encoding="utf-8") as f:
            metadata = f.read()
        req_txt = os.path.join(meta, "requires.txt")
        msg = email.parser.Parser().parsestr(metadata, headersonly=True)
        if os.path.isfile(req_txt) and not msg.get_all("Requires-Dist"):
            with open(req_txt, encoding="utf-8") as f:
                reqs = parse_requires_txt(f.read())
            known = set(msg.get_all("Provides-Extra") or [])
            extras = sorted({r.split('extra == "')[1].rstrip('"') for r in reqs if 'extra == "' in r} - known)
            metadata = add_headers(metadata, [f"Provides-Extra: {e}" for e in extras] +
                                   [f"Requires-Dist: {r}" for r in reqs])
    if os.path.isdir(meta):
        for fn in ("entry_points.txt", "top_level.txt"):
            if os.path.isfile(os.path.join(meta, fn)):
                with open(os.path.join(meta, fn), "rb") as f:
                    extra[fn] = f.read()
    msg = email.parser.Parser().parsestr(metadata, headersonly=True)
    dist_name, version = msg["Name"], msg["Version"]
    if not dist_name or not version:
        fail(f"{name}: metadata without Name or Version in {os.path.basename(meta)}")
    if canonicalize_name(dist_name) != name:
        fail(f"{name}: the Debian package holds {dist_name} instead")
    mv = msg["Metadata-Version"] or "1.0"
    if tuple(int(x) for x in mv.split(".")) < (2, 1):
        metadata = re.sub(r"^Metadata-Version: .*$", "Metadata-Version: 2.1", metadata, count=1, flags=re.M)
    fix = REQUIRES_FIX.get(name)
    if fix:
        have = {canonicalize_name(Requirement(r).name) for r in msg.get_all("Requires-Dist") or []
                if "extra ==" not in r}
        metadata = add_headers(metadata, [f"Requires-Dist: {r}" for r in fix
                                          if canonicalize_name(Requirement(r).name) not in have])
    if len(tags) > 1:
        fail(f"{name}: extensions for several Pythons ({sorted(tags)}): one wheel cannot carry them")
    return dist_name, version, files, metadata, extra, (tags.pop() if tags else "py3-none-any")


def copy_wheel(name, root, out_dir):
    """An upstream wheel shipped in a python3-*-whl package, copied unchanged."""
    src_dir = os.path.join(root, "usr/share/python-wheels")
    found = [f for f in (os.listdir(src_dir) if os.path.isdir(src_dir) else [])
             if f.endswith(".whl") and canonicalize_name(f.split("-")[0]) == name]
    if len(found) != 1:
        fail(f"{name}: expected one {name} wheel in usr/share/python-wheels, found {found}")
    fname = found[0]
    with zipfile.ZipFile(os.path.join(src_dir, fname)) as z:
        meta = [n for n in z.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        if len(meta) != 1:
            fail(f"{name}: {fname} has no single .dist-info/METADATA")
        metadata = z.read(meta[0]).decode("utf-8")
    msg = email.parser.Parser().parsestr(metadata, headersonly=True)
    shutil.copyfile(os.path.join(src_dir, fname), os.path.join(out_dir, fname))
    return msg["Name"], msg["Version"], metadata, fname


def write_wheel(out_dir, dist_name, version, files, metadata, extra, tag="py3-none-any"):
    esc = escape_name(dist_name)
    di = f"{esc}-{version}.dist-info"
    entries = sorted(files.items())
    purelib = "true" if tag == "py3-none-any" else "false"  # compiled: platlib
    meta_entries = [(f"{di}/METADATA", metadata.encode("utf-8")),
                    (f"{di}/WHEEL", ("Wheel-Version: 1.0\nGenerator: py-docker-wheelhouse "
                                     f"{BUILDER_VERSION}\nRoot-Is-Purelib: {purelib}\nTag: {tag}\n").encode())]
    meta_entries += [(f"{di}/{k}", v) for k, v in sorted(extra.items())]
    record = "".join(f"{p},sha256={b64_digest(d)},{len(d)}\n" for p, d in entries + meta_entries)
    record += f"{di}/RECORD,,\n"
    fname = f"{esc}-{version}-{tag}.whl"
    tmp = os.path.join(out_dir, fname + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for p, d in entries + meta_entries + [(f"{di}/RECORD", record.encode())]:
            zi = zipfile.ZipInfo(p, ZIP_DATE)
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, d)
    os.replace(tmp, os.path.join(out_dir, fname))
    return fname


def requirements(metadata, envs):
    msg = email.parser.Parser().parsestr(metadata, headersonly=True)
    out = []
    for r in msg.get_all("Requires-Dist") or []:
        req = Requirement(r)
        if req.marker is None or any(req.marker.evaluate(e) for e in envs):
            out.append(canonicalize_name(req.name))
    return out


def write_index(wh, dists):
    simple_new = os.path.join(wh, "simple.new")
    shutil.rmtree(simple_new, ignore_errors=True)
    os.makedirs(simple_new)
    links = []
    for name in sorted(dists):
        d = dists[name]
        os.makedirs(os.path.join(simple_new, name))
        with open(os.path.join(wh, "wheels", d["wheel"]), "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        rp = f' data-requires-python="{html.escape(d["requires_python"])}"' if d["requires_python"] else ""
        with open(os.path.join(simple_new, name, "index.html"), "w") as f:
            f.write(f"<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\">"
                    f"<title>Links for {name}</title></head><body>\n<h1>Links for {name}</h1>\n"
                    f"<a href=\"../../wheels/{d['wheel']}#sha256={sha}\"{rp}>{d['wheel']}</a><br>\n"
                    "</body></html>\n")
        links.append(f'<a href="{name}/">{name}</a><br>')
    with open(os.path.join(simple_new, "index.html"), "w") as f:
        f.write("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\">"
                "<title>Simple index</title></head><body>\n" + "\n".join(links) + "\n</body></html>\n")
    old = os.path.join(wh, "simple")
    if os.path.isdir(old):
        shutil.rmtree(old)
    os.replace(simple_new, old)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheelhouse", required=True)
    ap.add_argument("--debs", required=True, help="cache of downloaded .debs")
    ap.add_argument("--python", action="append", required=True, help="X.Y.Z to evaluate markers for")
    ap.add_argument("dists", nargs="+", help="distribution names (then -- and the apt-get command)")
    argv = sys.argv[1:]
    if "--" not in argv:
        fail("missing `-- apt-get ...` after the distribution names")
    cut = argv.index("--")
    apt_cmd = argv[cut + 1:]
    args = ap.parse_args(argv[:cut])
    dists = args.dists
    wh = os.path.abspath(args.wheelhouse)
    wheels_dir, stage = os.path.join(wh, "wheels"), os.path.join(wh, "stage")
    os.makedirs(wheels_dir, exist_ok=True)
    os.makedirs(stage, exist_ok=True)
    roots_wanted = sorted({canonicalize_name(d) for d in dists})
    with open(__file__, "rb") as f:
        key = hashlib.sha256(f.read() + json.dumps([roots_wanted, args.python]).encode()).hexdigest()
    manifest_path = os.path.join(wh, "manifest.json")
    if os.path.isfile(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
        if (manifest.get("key") == key and
                all(os.path.isfile(os.path.join(wheels_dir, d["wheel"])) for d in manifest["dists"].values()) and
                all(os.path.isfile(os.path.join(args.debs, b)) for d in manifest["dists"].values() for b in d["debs"])):
            log(f"up to date: {len(manifest['dists'])} wheels")
            return
    apt = Apt(apt_cmd, os.path.abspath(args.debs))
    envs = marker_envs(args.python)

    dists_out, queue, wanted_by = {}, list(roots_wanted), {n: "requested" for n in roots_wanted}
    while queue:
        # one apt-get download per round for everything the round needs
        pkgs_for = {}
        for name in queue:
            pkgs = [WHEEL_DEB[name]] if name in WHEEL_DEB else DEB_FOR.get(name, [f"python3-{name}"])
            pkgs = [p for p in pkgs if p == pkgs[0] or apt.exists(p)]
            if not apt.exists(pkgs[0]):
                fail(f"no Debian package {pkgs[0]} for {name} (required by {wanted_by[name]})")
            pkgs_for[name] = pkgs
        debs = apt.fetch(sorted({p for ps in pkgs_for.values() for p in ps}))
        # JavaScript that Debian replaced with links into libjs-* packages
        support = set()
        for ps in pkgs_for.values():
            for p in ps:
                for field in ("Depends", "Recommends"):
                    support |= set(re.findall(r"\b(libjs-[a-z0-9.+-]+)", deb_field(debs[p], field)))
        support_debs = apt.fetch(sorted(support)) if support else {}
        support_roots = [extract(d, stage) for d in support_debs.values()]
        next_queue = []
        for name in queue:
            ds = [debs[p] for p in pkgs_for[name]]
            roots = [extract(d, stage) for d in ds]
            if name in WHEEL_DEB:
                dist_name, version, metadata, wheel = copy_wheel(name, roots[0], wheels_dir)
            else:
                tag = "py3-none-any"
                if name == "tzdata":
                    dist_name, version, files, metadata, extra = tzdata_payload(roots, ds)
                else:
                    dist_name, version, files, metadata, extra, tag = python_payload(
                        name, roots, roots + support_roots, ds)
                wheel = write_wheel(wheels_dir, dist_name, version, files, metadata, extra, tag)
            msg = email.parser.Parser().parsestr(metadata, headersonly=True)
            reqs = requirements(metadata, envs)
            dists_out[name] = {"name": dist_name, "version": version, "wheel": wheel,
                               "debs": [os.path.basename(d) for d in ds],
                               "requires_python": msg["Requires-Python"] or "", "requires": reqs}
            log(f"{wheel}  <- {', '.join(os.path.basename(d) for d in ds)}")
            for r in reqs:
                if r not in dists_out and r not in queue and r not in next_queue:
                    next_queue.append(r)
                    wanted_by[r] = name
        queue = next_queue

    # drop wheels of older builds that are no longer part of the index
    keep = {d["wheel"] for d in dists_out.values()}
    for f in os.listdir(wheels_dir):
        if f not in keep:
            os.remove(os.path.join(wheels_dir, f))
    write_index(wh, dists_out)
    with open(manifest_path + ".tmp", "w") as f:
        json.dump({"key": key, "pythons": args.python, "dists": dists_out}, f, indent=1, sort_keys=True)
    os.replace(manifest_path + ".tmp", manifest_path)
    log(f"index of {len(dists_out)} wheels written to {os.path.join(wh, 'simple')}")


if __name__ == "__main__":
    main()
