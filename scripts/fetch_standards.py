#!/usr/bin/env python3
"""Install the official standards the hub needs at run time, from Maven Central.

- com.helger.phive.rules:phive-rules-peppol carries the OpenPeppol releases as compiled XSLT.
- com.helger.ubl:ph-ubl21 carries the OASIS UBL 2.1 XSD; com.helger.xsd:ph-xsds-* the schemas it imports.

Versions are pinned and every jar is checked against its SHA-256 before anything is
extracted. Jars are cached in the local Maven repository (~/.m2/repository), so a
second run needs no network. Standard library only: it runs before the virtualenv.

Usage: scripts/fetch_standards.py [TARGET_DIR]   (default: var/standards)
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAVEN_REPOSITORY_URL = os.environ.get("MAVEN_REPOSITORY_URL", "https://repo1.maven.org/maven2").rstrip("/")
LOCAL_REPOSITORY = Path(os.environ.get("MAVEN_LOCAL_REPOSITORY", Path.home() / ".m2" / "repository"))
PEPPOL_RELEASE = "2026.5"  # OpenPeppol May 2026 release


@dataclass(frozen=True)
class Package:
    group: str
    artifact: str
    version: str
    sha256: str
    # (path prefix inside the jar, folder under the target directory)
    extract: tuple[tuple[str, str], ...]

    @property
    def relative_path(self) -> str:
        return f"{self.group.replace('.', '/')}/{self.artifact}/{self.version}/{self.artifact}-{self.version}.jar"


PACKAGES = (
    Package(
        "com.helger.phive.rules",
        "phive-rules-peppol",
        "4.3.7",
        "c82aaeda5ca16166034421393d160ec6cf77460b16e027eecc4bb5fe67a552ce",
        ((f"external/schematron/openpeppol/{PEPPOL_RELEASE}/xslt/", f"peppol/{PEPPOL_RELEASE}/xslt"),),
    ),
    Package(
        "com.helger.ubl",
        "ph-ubl21",
        "10.2.0",
        "7317ddd448f58cdf4e550878d839be8d3324b410771ba462a35ced49ccb26a52",
        (("external/schemas/ubl21/", "ubl-2.1"),),
    ),
    # ph-ubl21 leaves out the schemas UBL 2.1 imports from elsewhere (CCTS, XML-DSig, XAdES);
    # ph-ubl resolves them through Java catalogues, so the hub installs them beside the UBL files.
    Package(
        "com.helger.xsd",
        "ph-xsds-ccts-cct-schemamodule",
        "4.1.0",
        "ec0e60be5265b09fac75a57a4b284244820c23f0481a1c75802ba4eb6338b0fd",
        (("schemas/", "ubl-2.1/common"),),
    ),
    Package(
        "com.helger.xsd",
        "ph-xsds-xmldsig",
        "4.1.0",
        "66590e38b0994d0fd6cd89b1588a3c96fad3a3c85494cf764783fe0c4acc9c3d",
        (("schemas/", "ubl-2.1/common"),),
    ),
    Package(
        "com.helger.xsd",
        "ph-xsds-xades132",
        "4.1.0",
        "d90bdb2359bbef63bd789af238fb135dd7ada0ba9722f4e2825cd210dada013c",
        (("schemas/", "ubl-2.1/common"),),
    ),
    Package(
        "com.helger.xsd",
        "ph-xsds-xades141",
        "4.1.0",
        "b34b2670774e9de79653767fd667d86823261c153f706c2344889d0702f54e41",
        (("schemas/", "ubl-2.1/common"),),
    ),
)

# Imports that ph-ubl21's XSD copies leave without a schemaLocation, and the file that holds each.
SCHEMA_LOCATIONS = {
    "urn:un:unece:uncefact:data:specification:CoreComponentTypeSchemaModule:2": "CCTS_CCT_SchemaModule.xsd",
    "http://www.w3.org/2000/09/xmldsig#": "xmldsig-core-schema.xsd",
    "http://uri.etsi.org/01903/v1.3.2#": "XAdES01903v132-201601.xsd",
    "http://uri.etsi.org/01903/v1.4.1#": "XAdES01903v141-201601.xsd",
}
_BARE_IMPORT = re.compile(r'<xsd:import\s+namespace="([^"]+)"\s*/>')


def link_schema_imports(common: Path) -> int:
    """Give bare xsd:imports a local schemaLocation, so any XSD processor (lxml too) finds them offline."""
    changed = 0
    for xsd in sorted(common.glob("*.xsd")):
        text = xsd.read_text(encoding="utf-8")
        linked = _BARE_IMPORT.sub(
            lambda m: (
                f'<xsd:import namespace="{m.group(1)}" schemaLocation="{SCHEMA_LOCATIONS[m.group(1)]}"/>'
                if m.group(1) in SCHEMA_LOCATIONS
                else m.group(0)
            ),
            text,
        )
        if linked != text:
            xsd.write_text(linked, encoding="utf-8")
            changed += 1
    return changed


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(package: Package) -> Path:
    jar = LOCAL_REPOSITORY / package.relative_path
    if jar.exists() and sha256_of(jar) == package.sha256:
        return jar
    url = f"{MAVEN_REPOSITORY_URL}/{package.relative_path}"
    jar.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=jar.parent, delete=False) as tmp:
        try:
            with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - fixed https URL
                shutil.copyfileobj(response, tmp)
        except OSError as exc:
            Path(tmp.name).unlink(missing_ok=True)
            raise SystemExit(f"fetch_standards: could not download {url}: {exc}") from None
    actual = sha256_of(Path(tmp.name))
    if actual != package.sha256:
        Path(tmp.name).unlink(missing_ok=True)
        raise SystemExit(
            f"fetch_standards: checksum mismatch for {package.artifact}-{package.version}: "
            f"expected {package.sha256}, got {actual}"
        )
    os.replace(tmp.name, jar)
    return jar


def extract(jar: Path, package: Package, target: Path) -> int:
    count = 0
    with zipfile.ZipFile(jar) as archive:
        for prefix, folder in package.extract:
            destination = target / folder
            for member in archive.namelist():
                if not member.startswith(prefix) or member.endswith("/"):
                    continue
                relative = Path(member[len(prefix) :])
                if relative.is_absolute() or ".." in relative.parts:
                    continue
                out = destination / relative
                out.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, out.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
                count += 1
    return count


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parent.parent / "var" / "standards")
    stamp = target / "INSTALLED"
    wanted = "\n".join(f"{p.group}:{p.artifact}:{p.version} sha256={p.sha256}" for p in PACKAGES) + "\n"
    if stamp.exists() and stamp.read_text() == wanted:
        print(f"Standards already installed in {target}")
        return 0
    staging = Path(tempfile.mkdtemp(prefix="standards-", dir=target.parent if target.parent.exists() else None))
    try:
        for package in PACKAGES:
            files = extract(fetch(package), package, staging)
            print(f"{package.artifact} {package.version}: {files} files")
        print(f"linked schema imports in {link_schema_imports(staging / 'ubl-2.1' / 'common')} files")
        (staging / "INSTALLED").write_text(wanted)
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"Standards installed in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
