# Run inside an image by bench/images.mjs (`docker run --rm --entrypoint <python> IMAGE -c ...`): the bytes
# of the parts the app needs, as JSON. Apparent sizes (st_size), hard links once, as Docker counts
# layer sizes.
#   argv: WORKDIR, then the site-packages folders to measure (none: those of this Python)
# site: {folder: [all bytes, bytes of the installer (pip, setuptools, wheel)]}; the app does not import
# the installer, so the floor leaves it out. app: WORKDIR without static; static: STATIC_ROOT.
import json
import os
import re
import site
import sys

INSTALLER = re.compile(r"^(pip|setuptools|wheel|pkg_resources|_distutils_hack)([-.].*)?$|^distutils-precedence\.pth$")
seen = set()


def size(path, skip=None):
    if os.path.islink(path) or not os.path.isdir(path):
        return file_size(path)
    total = 0
    for root, dirs, files in os.walk(path):
        if skip:
            dirs[:] = [d for d in dirs if os.path.join(root, d) != skip]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            total += file_size(os.path.join(root, name))
    return total


def file_size(path):
    try:
        st = os.lstat(path)
    except OSError:
        return 0
    if (st.st_dev, st.st_ino) in seen:
        return 0
    seen.add((st.st_dev, st.st_ino))
    return st.st_size


workdir = sys.argv[1]
folders = sys.argv[2:] or [p for p in site.getsitepackages() if os.path.isdir(p)]
result = {"site": {}}
for folder in dict.fromkeys(os.path.realpath(f) for f in folders):
    entries = os.listdir(folder) if os.path.isdir(folder) else []
    installer = sum(size(os.path.join(folder, e)) for e in entries if INSTALLER.match(e))
    result["site"][folder] = [installer + sum(size(os.path.join(folder, e)) for e in entries if not INSTALLER.match(e)), installer]

static = None
if workdir:
    # STATIC_ROOT as the image's settings say; the bench's images all collect into WORKDIR/staticfiles.
    try:
        sys.path.insert(0, workdir)
        from django.conf import settings

        static = str(settings.STATIC_ROOT or "")
    except Exception:
        static = None
    static = os.path.realpath(static or os.path.join(workdir, "staticfiles"))
    result["staticRoot"] = static
    result["static"] = size(static) if os.path.isdir(static) else 0
    result["app"] = size(workdir, skip=static)
print(json.dumps(result))
