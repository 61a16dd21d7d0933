"""Product pictures: `files` checks and stores one picture; `fetch` gets them from a catalogue's URLs
(SSRF-safe, after publication); `uploads` takes files and ZIPs a supplier uploads in the portal.

fetch builds on uploads (an uploaded picture wins over a URL) and both on files; nothing points back.
"""
