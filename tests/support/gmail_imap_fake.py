"""A fake of Gmail's IMAP server, for the X-GM tests (``tests/sources/test_imap_gmail.py``) and the contract suite.

Gmail's IMAP extensions (X-GM-MSGID, X-GM-THRID, X-GM-LABELS) cannot come from Dovecot, so this is a
small IMAP4rev1 server speaking real IMAP over TCP on 127.0.0.1 (plaintext, an ephemeral port, one
thread per connection), modelled on what Gmail answers:

- one store of messages, each with a 64-bit msgid, a thread id, labels, flags and an internal date; a
  folder holds the messages carrying its label (All Mail: all but Spam and Trash; a user label is a
  folder of its name), each folder with its own UIDs, so archiving and re-labelling give a message a
  new UID where it reappears;
- Gmail's folders and their SPECIAL-USE attributes (names may be localised, as Gmail does), the
  pre- and post-login capability lists, LOGIN, AUTHENTICATE XOAUTH2 with Gmail's error challenge,
  Gmail's limit of 15 logged-in connections, ENABLE CONDSTORE, LIST, STATUS, SELECT/EXAMINE,
  UNSELECT, CLOSE, UID SEARCH (ALL, SINCE, BEFORE, ON, UID), UID FETCH (sizes, header fields, bodies
  and partial bodies, X-GM-*, FLAGS, MODSEQ), UID STORE (refused after EXAMINE), NOOP, IDLE/DONE with
  ``* N EXISTS``, APPEND with ``[APPENDUID …]``, LOGOUT.

It is not a general IMAP server: what IMAPSource (through imapclient and imaplib) does not send is
answered ``BAD``. Every command line received is recorded in :attr:`GmailIMAP.commands`, tag stripped
and literal data left out, so tests can assert on the protocol itself; a non-PEEK body fetch in a
folder opened with SELECT sets ``\\Seen``, as on Gmail, so a careless client would be caught.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import re
import select
import socket
import socketserver
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.policy import compat32
from email.utils import parsedate_to_datetime
from typing import Any, Final, TypeAlias

from inboxwatch.config import AccountConfig
from tests.support.mailfactory import ME

GREETING: Final = b"* OK Gimap ready for requests from 127.0.0.1 fake1a2b3c4d"
PRE_AUTH_CAPABILITIES: Final = (
    "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR "
    "AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER"
)
CAPABILITIES: Final = (  # after login, as Gmail lists them (LITERAL-, not LITERAL+: literals wait for "+")
    "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS COMPRESS=DEFLATE ENABLE MOVE "
    "CONDSTORE ESEARCH UTF8=ACCEPT LIST-EXTENDED LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584"
)
FOLDER_NAMES: Final = {  # role key → folder name; Gmail localises these ("[Google Mail]/Gesendet", …)
    "all": "[Gmail]/All Mail",
    "drafts": "[Gmail]/Drafts",
    "important": "[Gmail]/Important",
    "sent": "[Gmail]/Sent Mail",
    "spam": "[Gmail]/Spam",
    "starred": "[Gmail]/Starred",
    "trash": "[Gmail]/Trash",
}
_SYSTEM: Final = (  # role key, label carried by the messages (None: All Mail), SPECIAL-USE attribute
    ("all", None, "\\All"),
    ("drafts", "\\Draft", "\\Drafts"),
    ("important", "\\Important", "\\Important"),
    ("sent", "\\Sent", "\\Sent"),
    ("spam", "\\Spam", "\\Junk"),
    ("starred", "\\Starred", "\\Flagged"),
    ("trash", "\\Trash", "\\Trash"),
)
_FLAGS: Final = "(\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing)"
_INVALID: Final = b"NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"
_TOO_MANY: Final = b"NO [ALERT] Too many simultaneous connections. (Failure)"
_OAUTH_ERROR: Final = base64.b64encode(b'{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}')
_LITERAL_RE: Final = re.compile(rb"\{(\d+)(\+?)\}$")
_BODY_RE: Final = re.compile(r"(BODY(?:\.PEEK)?)\[([^\]]*)\](?:<(\d+)(?:\.(\d+))?>)?$")
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Token: TypeAlias = str | bytes | list["Token"]  # an atom or quoted string, a literal, a parenthesised list


@dataclass
class GmailMessage:
    msgid: int
    thrid: int
    raw: bytes
    labels: set[str]
    flags: set[str]
    internal_date: datetime
    modseq: int = 0


@dataclass
class Folder:
    name: str
    label: str | None  # the label its messages carry; None for All Mail
    attributes: tuple[str, ...]
    uidvalidity: int
    uidnext: int = 1
    uids: dict[int, int] = field(default_factory=dict)  # UID → msgid, ascending
    modseq: int = 1

    def holds(self, message: GmailMessage) -> bool:
        if self.label is None:
            return not message.labels & {"\\Spam", "\\Trash"}
        return self.label in message.labels


class GmailIMAP:
    """One Gmail mailbox behind an IMAP port. Use as a context manager, or start()/stop()."""

    def __init__(
        self,
        *,
        user: str = "alex.morgan@example.net",
        token: str = "ya29.fake-access-token",
        password: str = "fake-app-password",
        folder_names: Mapping[str, str] = FOLDER_NAMES,
        special_use: bool = True,
        gmail_extensions: bool = True,
    ) -> None:
        self.user, self.token, self.password = user, token, password
        self.special_use = special_use  # False: LIST without SPECIAL-USE attributes (older Gmail answers)
        self.gmail_extensions = gmail_extensions  # False: no X-GM-EXT-1, like any other server
        # A server that names a partial section without its origin ("BODY[1]" for BODY.PEEK[1]<0.N>), as some do.
        self.partial_without_origin = False
        self.nil_beyond_start = False  # a partial read past a section's start answered NIL, as if expunged meanwhile
        self.lock = threading.RLock()
        self.messages: dict[int, GmailMessage] = {}
        self.commands: list[str] = []  # every command line received, tag stripped, literal data left out
        self.auth_failures = 0
        self.max_connections = 15  # Gmail's limit of logged-in IMAP connections per account
        self.connections = 0  # logged-in connections now
        self._modseq = 1000
        self._ids = itertools.count(0x18E5A1C2D3E40000)
        self._validity = itertools.count(3)
        self.folders: dict[str, Folder] = {"INBOX": Folder("INBOX", "\\Inbox", (), next(self._validity))}
        for key, label, attribute in _SYSTEM:
            name = folder_names[key]
            self.folders[name] = Folder(name, label, (attribute,), next(self._validity))
        self._server: socketserver.ThreadingTCPServer | None = None
        self._sessions: set[socket.socket] = set()

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> GmailIMAP:
        fake = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                _Session(fake, self.request).run()

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self.lock:
            for sock in self._sessions:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> GmailIMAP:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the fake first"
        return int(self._server.server_address[1])

    # --- the mailbox ----------------------------------------------------------------------------------

    def add(
        self,
        raw: bytes,
        labels: Iterable[str] = ("\\Inbox",),
        *,
        flags: Iterable[str] = (),
        thread: GmailMessage | int | None = None,
        msgid: int | None = None,
        date: datetime | None = None,
    ) -> GmailMessage:
        """Deliver ``raw`` (line ends made CRLF); a new thread unless ``thread`` (a message or thread id)."""
        with self.lock:
            msgid = msgid if msgid is not None else next(self._ids)
            thrid = thread.thrid if isinstance(thread, GmailMessage) else thread if thread is not None else msgid
            raw = re.sub(rb"\r?\n", b"\r\n", raw)
            if date is None:
                header = re.search(rb"^Date: (.+?)\r$", raw.split(b"\r\n\r\n", 1)[0], re.MULTILINE | re.I)
                date = parsedate_to_datetime(header.group(1).decode()) if header else datetime.now(UTC)
            message = GmailMessage(msgid, thrid, raw, set(labels), set(flags), date)
            self.messages[msgid] = message
            self._changed(message)
            return message

    def relabel(self, message: GmailMessage, *, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        """Labels changed from the web UI: archiving removes ``\\Inbox``, moving back adds it (a new UID)."""
        with self.lock:
            message.labels = (message.labels | set(add)) - set(remove)
            self._changed(message)

    def set_flags(self, message: GmailMessage, flags: Iterable[str]) -> None:
        """Flags changed by another client (read on the phone, starred)."""
        with self.lock:
            message.flags = set(flags)
            self._changed(message)

    def uid(self, folder: str, message: GmailMessage) -> int | None:
        with self.lock:
            return next((u for u, m in self.folders[folder].uids.items() if m == message.msgid), None)

    def in_folder(self, folder: str) -> list[GmailMessage]:
        with self.lock:
            return [self.messages[m] for m in self.folders[folder].uids.values()]

    def flags(self) -> dict[int, frozenset[str]]:
        with self.lock:
            return {m.msgid: frozenset(m.flags) for m in self.messages.values()}

    def _changed(self, message: GmailMessage) -> None:
        """Record a change to ``message``: new modseq; added to or removed from folders as its labels say.

        A user label is a folder of its own name, made when first used."""
        for label in sorted(message.labels):
            if not label.startswith("\\") and label not in self.folders:
                self.folders[label] = Folder(label, label, (), next(self._validity))
        self._modseq += 1
        message.modseq = self._modseq
        for folder in self.folders.values():
            present = message.msgid in folder.uids.values()
            if folder.holds(message) and not present:
                folder.uids[folder.uidnext] = message.msgid
                folder.uidnext += 1
            elif present and not folder.holds(message):
                folder.uids = {u: m for u, m in folder.uids.items() if m != message.msgid}
            elif not present:
                continue
            folder.modseq = self._modseq

    def _folder(self, name: str) -> Folder | None:
        return self.folders.get("INBOX" if name.upper() == "INBOX" else name)


# --- protocol -------------------------------------------------------------------------------------------


class _BadCommandError(Exception):
    """Answered ``tag BAD <text>``."""


class _Session:
    """One connection: reads tagged commands, answers them as Gmail would."""

    def __init__(self, fake: GmailIMAP, sock: socket.socket) -> None:
        self.fake, self.sock = fake, sock
        self.buffer = b""
        self.out: list[bytes] = []  # answer lines, written in one go before the next read (no Nagle delays)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.state = "NONAUTH"
        self.folder: Folder | None = None
        self.readonly = True
        self.view: list[int] = []  # the UIDs this session was told of, in sequence order
        self.told: dict[int, int] = {}  # UID → the modseq of the flags this session was told of
        self.condstore = False
        self.counted = False  # logged in, so counted in GmailIMAP.connections

    def run(self) -> None:
        with self.fake.lock:
            self.fake._sessions.add(self.sock)
        try:
            self.send(GREETING)
            while self.state != "LOGOUT":
                command = self.read_command()
                if command is None:
                    return
                tag, parts, literals = command
                try:
                    args = _tokens(parts, literals)
                    if not args or not isinstance(args[0], str):
                        raise _BadCommandError("Unknown command")
                    self.dispatch(tag, args[0].upper(), args[1:])
                except _BadCommandError as e:
                    self.send(f"{tag} BAD {e}".encode())
            self.flush()
        except (OSError, ValueError):
            return
        finally:
            with self.fake.lock:
                self.fake._sessions.discard(self.sock)
                self.fake.connections -= self.counted

    # --- reading and writing --------------------------------------------------------------------------

    def send(self, line: bytes) -> None:
        self.out.append(line + b"\r\n")

    def flush(self) -> None:
        if self.out:
            data, self.out = b"".join(self.out), []
            self.sock.sendall(data)

    def receive(self) -> bytes:
        self.flush()
        chunk = self.sock.recv(65536)
        if hasattr(socket, "TCP_QUICKACK"):  # imapclient sends a command line and its CRLF apart: ack at once
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        return chunk

    def readline(self) -> bytes | None:
        while b"\r\n" not in self.buffer:
            chunk = self.receive()
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read_exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.receive()
            if not chunk:
                raise ValueError("connection closed inside a literal")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_command(self) -> tuple[str, list[bytes], list[bytes]] | None:
        """The next command as (tag, text parts, literals); literals are read (after ``+`` unless ``{n+}``)."""
        parts: list[bytes] = []
        literals: list[bytes] = []
        while True:
            line = self.readline()
            if line is None:
                return None
            match = _LITERAL_RE.search(line)
            if match is None:
                parts.append(line)
                break
            if not match.group(2):
                self.send(b"+ go ahead")
            parts.append(line)
            literals.append(self.read_exact(int(match.group(1))))
        text = b"".join(parts)
        tag, _, rest = text.partition(b" ")
        self.fake.commands.append(rest.decode("utf-8", "replace"))
        return tag.decode("ascii", "replace"), parts, literals

    # --- commands -------------------------------------------------------------------------------------

    def dispatch(self, tag: str, name: str, args: list[Token]) -> None:
        anywhere = ("NONAUTH", "AUTH", "SELECTED")
        allowed = {
            "CAPABILITY": anywhere,
            "NOOP": anywhere,
            "LOGOUT": anywhere,
            "LOGIN": ("NONAUTH",),
            "AUTHENTICATE": ("NONAUTH",),
            "ENABLE": ("AUTH",),
        }.get(name, ("AUTH", "SELECTED"))
        if self.state not in allowed:
            raise _BadCommandError(f"Command {name} not allowed now.")
        handler = getattr(self, "do_" + name.lower(), None)
        if handler is None:
            raise _BadCommandError("Unknown command")
        handler(tag, args)

    def do_capability(self, tag: str, args: list[Token]) -> None:
        self.send(f"* CAPABILITY {self.capabilities()}".encode())
        self.send(f"{tag} OK Thats all she wrote! (Success)".encode())

    def capabilities(self) -> str:
        caps = PRE_AUTH_CAPABILITIES if self.state == "NONAUTH" else CAPABILITIES
        return caps if self.fake.gmail_extensions else caps.replace(" X-GM-EXT-1", "")

    def do_noop(self, tag: str, args: list[Token]) -> None:
        self.sync()
        self.send(f"{tag} OK Success".encode())

    def do_logout(self, tag: str, args: list[Token]) -> None:
        self.send(b"* BYE LOGOUT Requested")
        self.send(f"{tag} OK 73 good day (Success)".encode())
        self.state = "LOGOUT"

    def do_login(self, tag: str, args: list[Token]) -> None:
        user, password = _strings(args, 2)
        if (user, password) != (self.fake.user, self.fake.password):
            self.fake.auth_failures += 1
            self.send(tag.encode() + b" " + _INVALID)
            return
        self.logged_in(tag, sasl=False)

    def do_authenticate(self, tag: str, args: list[Token]) -> None:
        mechanism, *initial = _strings(args, max(1, len(args)))
        if mechanism.upper() != "XOAUTH2":
            self.send(f"{tag} NO [CANNOT] Unsupported mechanism (Failure)".encode())
            return
        if initial:  # SASL-IR
            response: bytes | None = initial[0].encode()
        else:
            self.send(b"+ ")
            response = self.readline()
        if response is None or response == b"*":
            self.send(f"{tag} BAD Authentication cancelled".encode())
            return
        try:
            sasl = base64.b64decode(response, validate=True)
        except ValueError:
            self.send(f"{tag} BAD Invalid SASL argument. (Failure)".encode())
            return
        if sasl == f"user={self.fake.user}\x01auth=Bearer {self.fake.token}\x01\x01".encode():
            self.logged_in(tag, sasl=True)
            return
        self.fake.auth_failures += 1
        self.refuse(tag, _INVALID, sasl=True)

    def refuse(self, tag: str, answer: bytes, *, sasl: bool) -> None:
        """Gmail's refusal; after XOAUTH2 first a JSON error as a challenge, then NO once the client answered it."""
        if sasl:
            self.send(b"+ " + _OAUTH_ERROR)
            self.readline()
        self.send(tag.encode() + b" " + answer)

    def logged_in(self, tag: str, *, sasl: bool) -> None:
        with self.fake.lock:
            full = self.fake.connections >= self.fake.max_connections
            if not full:
                self.fake.connections += 1
                self.counted = True
        if full:
            self.refuse(tag, _TOO_MANY, sasl=sasl)
            return
        self.state = "AUTH"
        self.send(f"* CAPABILITY {self.capabilities()}".encode())
        self.send(f"{tag} OK {self.fake.user} authenticated (Success)".encode())

    def do_enable(self, tag: str, args: list[Token]) -> None:
        enabled = [a for a in _strings(args, len(args)) if a.upper() == "CONDSTORE"]
        self.condstore = self.condstore or bool(enabled)
        self.send(("* ENABLED " + " ".join(enabled)).rstrip().encode())
        self.send(f"{tag} OK Success".encode())

    def do_list(self, tag: str, args: list[Token]) -> None:
        reference, pattern = _strings(args, 2)
        wanted = re.compile(
            re.escape(reference + pattern).replace(r"\*", ".*").replace("%", "[^/]*") + r"\Z", re.IGNORECASE
        )
        with self.fake.lock:
            names = set(self.fake.folders)
            parents = {n.rsplit("/", 1)[0] for n in names if "/" in n} - names
            rows: list[tuple[tuple[str, ...], str]] = [(("\\HasChildren", "\\Noselect"), p) for p in parents]
            for folder in self.fake.folders.values():
                special = folder.attributes if self.fake.special_use else ()
                rows.append((("\\HasNoChildren", *special), folder.name))
        for attributes, name in sorted(rows, key=lambda r: (r[1] != "INBOX", r[1])):
            if wanted.match(name):
                self.send(f'* LIST ({" ".join(attributes)}) "/" {_quoted(encode_utf7(name))}'.encode())
        self.send(f"{tag} OK Success".encode())

    def do_status(self, tag: str, args: list[Token]) -> None:
        name, items = _strings(args[:1], 1)[0], args[1] if len(args) > 1 else None
        if not isinstance(items, list):
            raise _BadCommandError("Could not parse command")
        with self.fake.lock:
            folder = self.fake._folder(decode_utf7(name))
            if folder is None:
                self.send(f"{tag} NO [NONEXISTENT] Unknown Mailbox: {name} (Failure)".encode())
                return
            values = {
                "MESSAGES": len(folder.uids),
                "RECENT": 0,
                "UIDNEXT": folder.uidnext,
                "UIDVALIDITY": folder.uidvalidity,
                "UNSEEN": sum("\\Seen" not in self.fake.messages[m].flags for m in folder.uids.values()),
                "HIGHESTMODSEQ": folder.modseq,
            }
        asked = " ".join(f"{item.upper()} {values[item.upper()]}" for item in _strings(items, len(items)))
        self.send(f"* STATUS {_quoted(encode_utf7(folder.name))} ({asked})".encode())
        self.send(f"{tag} OK Success".encode())

    def do_select(self, tag: str, args: list[Token], *, readonly: bool = False) -> None:
        name = decode_utf7(_strings(args, 1)[0])
        self.folder, self.state = None, "AUTH"
        with self.fake.lock:
            folder = self.fake._folder(name)
            if folder is None:
                self.send(f"{tag} NO [NONEXISTENT] Unknown Mailbox: {name} (Failure)".encode())
                return
            self.folder, self.readonly, self.state = folder, readonly, "SELECTED"
            self.view = list(folder.uids)
            self.told = {uid: self.fake.messages[m].modseq for uid, m in folder.uids.items()}
            permanent = "()" if readonly else _FLAGS[:-1] + " \\*)"
            lines = [
                f"* FLAGS {_FLAGS}",
                f"* OK [PERMANENTFLAGS {permanent}] Flags permitted.",
                f"* OK [UIDVALIDITY {folder.uidvalidity}] UIDs valid.",
                f"* {len(self.view)} EXISTS",
                "* 0 RECENT",
                f"* OK [UIDNEXT {folder.uidnext}] Predicted next UID.",
                f"* OK [HIGHESTMODSEQ {folder.modseq}]",
            ]
        for line in lines:
            self.send(line.encode())
        mode = "READ-ONLY" if readonly else "READ-WRITE"
        self.send(f"{tag} OK [{mode}] {encode_utf7(folder.name)} selected. (Success)".encode())

    def do_examine(self, tag: str, args: list[Token]) -> None:
        self.do_select(tag, args, readonly=True)

    def do_unselect(self, tag: str, args: list[Token]) -> None:
        self.folder, self.state = None, "AUTH"
        self.send(f"{tag} OK Returned to authenticated state. (Success)".encode())

    def do_close(self, tag: str, args: list[Token]) -> None:
        self.do_unselect(tag, args)

    def do_idle(self, tag: str, args: list[Token]) -> None:
        self.send(b"+ idling")
        while b"\r\n" not in self.buffer:
            self.sync()
            self.flush()
            ready, _, _ = select.select([self.sock], [], [], 0.02)
            if ready:
                chunk = self.receive()
                if not chunk:
                    raise OSError("connection closed while idling")
                self.buffer += chunk
        line = self.readline()
        self.fake.commands.append((line or b"").decode("ascii", "replace"))
        if (line or b"").upper() != b"DONE":
            raise _BadCommandError("Expected DONE.")
        self.send(f"{tag} OK IDLE terminated (Success)".encode())

    def do_append(self, tag: str, args: list[Token]) -> None:
        if len(args) < 2 or not isinstance(args[-1], bytes):
            raise _BadCommandError("Could not parse command")
        name = decode_utf7(_strings(args[:1], 1)[0])
        flags = next((a for a in args[1:-1] if isinstance(a, list)), [])
        date = next((a for a in args[1:-1] if isinstance(a, str)), None)
        with self.fake.lock:
            folder = self.fake._folder(name)
            if folder is None:
                self.send(f"{tag} NO [TRYCREATE] Folder doesn't exist. (Failure)".encode())
                return
            when = datetime.strptime(date, "%d-%b-%Y %H:%M:%S %z") if date else datetime.now(UTC)
            labels = [folder.label] if folder.label else []
            message = self.fake.add(args[-1], labels, flags=_strings(flags, len(flags)), date=when)
            uid = self.fake.uid(folder.name, message)
        self.send(f"{tag} OK [APPENDUID {folder.uidvalidity} {uid}] (Success)".encode())

    def do_uid(self, tag: str, args: list[Token]) -> None:
        if not args or not isinstance(args[0], str) or args[0].upper() not in ("SEARCH", "FETCH", "STORE"):
            raise _BadCommandError("Could not parse command")
        self.selected_command(tag, args[0].upper(), args[1:], by_uid=True)

    def do_fetch(self, tag: str, args: list[Token]) -> None:
        self.selected_command(tag, "FETCH", args, by_uid=False)

    def do_search(self, tag: str, args: list[Token]) -> None:
        self.selected_command(tag, "SEARCH", args, by_uid=False)

    def do_store(self, tag: str, args: list[Token]) -> None:
        self.selected_command(tag, "STORE", args, by_uid=False)

    def selected_command(self, tag: str, name: str, args: list[Token], *, by_uid: bool) -> None:
        if self.folder is None:
            raise _BadCommandError(f"Command {name} not allowed now.")
        with self.fake.lock:
            self.sync()
            if name == "SEARCH":
                found = self.search(args, by_uid)
                self.send(("* SEARCH " + " ".join(map(str, found))).rstrip().encode())
            elif name == "FETCH":
                if len(args) < 2 or not isinstance(args[0], str):
                    raise _BadCommandError("Could not parse command")
                items: list[Token] = args[1] if isinstance(args[1], list) else [args[1]]
                for uid in self.message_set(args[0], by_uid):
                    self.fetch(uid, _strings(items, len(items)), by_uid)
            else:
                if self.readonly:
                    self.send(f"{tag} NO STORE attempt on READ-ONLY folder (Failure)".encode())
                    return
                self.store(args, by_uid)
        self.send(f"{tag} OK Success".encode())

    # --- selected state ----------------------------------------------------------------------------

    def sync(self) -> None:
        """Tell the client what changed in the folder since it last heard: messages that left (EXPUNGE),
        flags changed elsewhere (FETCH), messages that joined (EXISTS)."""
        with self.fake.lock:
            if self.folder is None:
                return
            current = list(self.folder.uids)
            for uid in reversed([u for u in self.view if u not in self.folder.uids]):
                self.send(f"* {self.view.index(uid) + 1} EXPUNGE".encode())
                self.view.remove(uid)
            for number, uid in enumerate(self.view, 1):
                message = self.fake.messages[self.folder.uids[uid]]
                if message.modseq > self.told.get(uid, message.modseq):
                    modseq = f" MODSEQ ({message.modseq})" if self.condstore else ""
                    flags = " ".join(sorted(message.flags))
                    self.send(f"* {number} FETCH (UID {uid} FLAGS ({flags}){modseq})".encode())
                self.told[uid] = message.modseq
            if len(current) > len(self.view):
                self.view = current
                self.told.update({u: self.fake.messages[self.folder.uids[u]].modseq for u in current})
                self.send(f"* {len(self.view)} EXISTS".encode())

    def message_set(self, text: str, by_uid: bool) -> list[int]:
        """UIDs named by a sequence set; ``n:*`` includes the last message even when n is above it (RFC 3501)."""
        numbers = self.view if by_uid else list(range(1, len(self.view) + 1))
        if not numbers:
            return []
        chosen: set[int] = set()
        try:
            for part in text.split(","):
                low, _, high = part.partition(":")
                a = numbers[-1] if low == "*" else int(low)
                b = a if not high else numbers[-1] if high == "*" else int(high)
                chosen.update(n for n in numbers if min(a, b) <= n <= max(a, b))
        except ValueError:
            raise _BadCommandError("Could not parse command") from None
        return [n if by_uid else self.view[n - 1] for n in sorted(chosen)]

    def search(self, args: list[Token], by_uid: bool) -> list[int]:
        assert self.folder is not None
        folder = self.folder
        uids = set(self.view)
        words = list(args)
        while words:
            key = words.pop(0)
            if not isinstance(key, str):
                raise _BadCommandError("Could not parse command")
            key = key.upper()
            if key == "ALL":
                continue
            if key in ("SINCE", "BEFORE", "ON") and words and isinstance(words[0], str):
                day = _imap_date(str(words.pop(0)))
                dates = {u: self.fake.messages[folder.uids[u]].internal_date.date() for u in uids}
                compare = {"SINCE": day.__le__, "BEFORE": day.__gt__, "ON": day.__eq__}[key]
                uids = {u for u in uids if compare(dates[u])}
            elif key == "UID" and words and isinstance(words[0], str):
                uids &= set(self.message_set(str(words.pop(0)), by_uid=True))
            else:
                raise _BadCommandError(f"Could not parse command (unsupported search key {key})")
        return sorted(uids) if by_uid else sorted(self.view.index(u) + 1 for u in uids)

    def fetch(self, uid: int, items: list[str], by_uid: bool) -> None:
        assert self.folder is not None
        message = self.fake.messages[self.folder.uids[uid]]
        head, _, body = message.raw.partition(b"\r\n\r\n")
        head += b"\r\n\r\n"
        parts = [b"UID %d" % uid] if by_uid or "UID" in (i.upper() for i in items) else []
        seen_before = "\\Seen" in message.flags
        gmail = self.fake.gmail_extensions
        for item in items:
            upper = item.upper()
            if upper == "UID":
                continue
            if upper == "FLAGS":
                parts.append(b"FLAGS (" + " ".join(sorted(message.flags)).encode() + b")")
            elif upper == "RFC822.SIZE":
                parts.append(b"RFC822.SIZE %d" % len(message.raw))
            elif upper == "INTERNALDATE":
                parts.append(b'INTERNALDATE "' + _internaldate(message.internal_date).encode() + b'"')
            elif upper == "X-GM-MSGID" and gmail:
                parts.append(b"X-GM-MSGID %d" % message.msgid)
            elif upper == "X-GM-THRID" and gmail:
                parts.append(b"X-GM-THRID %d" % message.thrid)
            elif upper == "X-GM-LABELS" and gmail:
                labels = [lb if lb.startswith("\\") else _quoted(encode_utf7(lb)) for lb in sorted(message.labels)]
                parts.append(b"X-GM-LABELS (" + " ".join(labels).encode() + b")")
            elif upper in ("RFC822", "RFC822.HEADER", "RFC822.TEXT"):
                data = {"RFC822": message.raw, "RFC822.HEADER": head, "RFC822.TEXT": body}[upper]
                parts.append(upper.encode() + b" " + _literal(data))
                if upper != "RFC822.HEADER":
                    self.mark_seen(uid, message)
            elif upper == "BODYSTRUCTURE":
                parts.append(b"BODYSTRUCTURE " + _structure(_parsed(message.raw)))
            elif match := _BODY_RE.match(upper):
                section = match.group(2)
                data = _section(message.raw, head, body, section)
                key = f"BODY[{section}]"
                if match.group(3) is not None:
                    start = int(match.group(3))
                    end = start + int(match.group(4)) if match.group(4) else len(data)
                    data = data[start:end]
                    key = key if self.fake.partial_without_origin and section else f"{key}<{start}>"
                    if self.fake.nil_beyond_start and section and start > 0:
                        parts.append(key.encode() + b" NIL")
                        continue
                parts.append(key.encode() + b" " + _literal(data))
                if match.group(1) == "BODY":
                    self.mark_seen(uid, message)
            else:
                raise _BadCommandError(f"Could not parse command (unsupported fetch item {item})")
        if "\\Seen" in message.flags and not seen_before:
            parts.append(b"FLAGS (" + " ".join(sorted(message.flags)).encode() + b")")
        if self.condstore:  # RFC 7162: once enabled, every FETCH response carries the MODSEQ
            parts.append(b"MODSEQ (%d)" % message.modseq)
        number = self.view.index(uid) + 1
        self.send(b"* %d FETCH (" % number + b" ".join(parts) + b")")

    def mark_seen(self, uid: int, message: GmailMessage) -> None:
        if not self.readonly and "\\Seen" not in message.flags:
            message.flags.add("\\Seen")
            self.fake._changed(message)
            self.told[uid] = message.modseq  # this session's own change: answered in its FETCH response

    def store(self, args: list[Token], by_uid: bool) -> None:
        if len(args) < 3 or not isinstance(args[0], str) or not isinstance(args[1], str):
            raise _BadCommandError("Could not parse command")
        mode = args[1].upper()
        values: list[Token] = args[2] if isinstance(args[2], list) else [args[2]]
        flags = set(_strings(values, len(values)))
        assert self.folder is not None
        for uid in self.message_set(args[0], by_uid):
            message = self.fake.messages[self.folder.uids[uid]]
            if mode.startswith("+FLAGS"):
                message.flags |= flags
            elif mode.startswith("-FLAGS"):
                message.flags -= flags
            elif mode.startswith("FLAGS"):
                message.flags = set(flags)
            else:
                raise _BadCommandError("Could not parse command")
            self.fake._changed(message)
            self.told[uid] = message.modseq
            if not mode.endswith(".SILENT"):
                text = " ".join(sorted(message.flags))
                self.send(f"* {self.view.index(uid) + 1} FETCH (UID {uid} FLAGS ({text}))".encode())


# --- syntax -----------------------------------------------------------------------------------------


def _tokens(parts: list[bytes], literals: list[bytes]) -> list[Token]:
    """Tokenise a command (text parts, each but the last ending in a ``{n}`` whose data is in ``literals``)."""
    flat: list[object] = []  # str atoms and strings, bytes literals, "(" and ")" as 1-tuples
    for index, part in enumerate(parts):
        text = part.decode("utf-8", "replace")
        if index < len(literals):
            text = text[: _LITERAL_RE.search(part).start()]  # type: ignore[union-attr]
        i = 0
        while i < len(text):
            char = text[i]
            if char == " ":
                i += 1
            elif char in "()":
                flat.append((char,))
                i += 1
            elif char == '"':
                j, value = i + 1, []
                while j < len(text) and text[j] != '"':
                    if text[j] == "\\" and j + 1 < len(text):
                        j += 1
                    value.append(text[j])
                    j += 1
                flat.append("".join(value))
                i = j + 1
            else:  # an atom; inside [...] spaces and parentheses belong to it (BODY[HEADER.FIELDS (A B)])
                j, depth = i, 0
                while j < len(text) and (depth or text[j] not in " ()"):
                    depth += {"[": 1, "]": -1}.get(text[j], 0)
                    j += 1
                flat.append(text[i:j])
                i = j
        if index < len(literals):
            flat.append(literals[index])
    stack: list[list[Token]] = [[]]
    for token in flat:
        if token == ("(",):
            stack.append([])
        elif token == (")",):
            if len(stack) == 1:
                raise _BadCommandError("Could not parse command")
            inner = stack.pop()
            stack[-1].append(inner)
        else:
            stack[-1].append(token)  # type: ignore[arg-type]
    if len(stack) != 1:
        raise _BadCommandError("Could not parse command")
    return stack[0][1:]  # without the tag


def _strings(tokens: list[Token], n: int) -> list[str]:
    if len(tokens) < n or not all(isinstance(t, str) for t in tokens[:n]):
        raise _BadCommandError("Could not parse command")
    return [str(t) for t in tokens[:n]]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _literal(data: bytes) -> bytes:
    return b"{%d}\r\n" % len(data) + data


def _section(raw: bytes, head: bytes, body: bytes, section: str) -> bytes:
    if section == "":
        return raw
    if section == "HEADER":
        return head
    if section == "TEXT":
        return body
    if re.fullmatch(r"\d+(\.\d+)*", section):
        return _part_body(_parsed(raw), section)
    match = re.fullmatch(r"HEADER\.FIELDS(\.NOT)? \(([^)]*)\)", section)
    if match is None:
        raise _BadCommandError(f"Could not parse command (unsupported section {section})")
    names, negate = {n.upper() for n in match.group(2).split()}, bool(match.group(1))
    fields: list[bytes] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b"\r\n" + line
        elif line:
            fields.append(line)
    kept = [f for f in fields if (f.split(b":", 1)[0].strip().decode("ascii", "replace").upper() in names) != negate]
    return b"".join(f + b"\r\n" for f in kept) + b"\r\n"


def _parsed(raw: bytes) -> EmailMessage:
    return BytesParser(policy=compat32).parsebytes(raw)


def _payload(part: EmailMessage) -> bytes:
    payload = part.get_payload()
    return payload.encode("ascii", "surrogateescape") if isinstance(payload, str) else b""


def _part_body(message: EmailMessage, section: str) -> bytes:
    """The bytes of part ``section`` ("1", "2.1"), as RFC 3501 numbers the parts of a message."""
    part = message
    for number in (int(n) for n in section.split(".")):
        children = part.get_payload()
        if part.is_multipart() and isinstance(children, list) and 0 < number <= len(children):
            child = children[number - 1]
            assert isinstance(child, EmailMessage)
            part = child
        elif number != 1 or part.is_multipart():
            raise _BadCommandError(f"Could not parse command (no part {section})")
    return _payload(part)


def _strings_list(pairs: Iterable[tuple[str, str]]) -> bytes:
    items = [f"{_quoted(k)} {_quoted(v)}" for k, v in pairs]
    return ("(" + " ".join(items) + ")").encode() if items else b"NIL"


def _structure(part: EmailMessage) -> bytes:
    """BODYSTRUCTURE (RFC 3501 7.4.2) of a part: multiparts with their subtype, leaves with their parameters,
    transfer encoding, size, line count (text) and disposition."""
    children = part.get_payload()
    if part.is_multipart() and isinstance(children, list):
        subtype = _quoted(part.get_content_subtype()).encode()
        nested = [_structure(child) for child in children if isinstance(child, EmailMessage)]
        return b"(" + b"".join(nested) + b" " + subtype + b")"
    body = _payload(part)
    params = [(str(k), str(v)) for k, v in (part.get_params() or [])[1:]]
    encoding = str(part.get("content-transfer-encoding", "7bit")).strip()
    kinds = [_quoted(part.get_content_maintype()).encode(), _quoted(part.get_content_subtype()).encode()]
    fields = [*kinds, _strings_list(params), b"NIL", b"NIL", _quoted(encoding).encode(), str(len(body)).encode()]
    if part.get_content_maintype() == "text":
        fields.append(str(body.count(b"\n")).encode())
    disposition = part.get("content-disposition")
    if disposition:
        kind = str(disposition).split(";")[0]
        names = [(str(k), str(v)) for k, v in (part.get_params(header="content-disposition") or [])[1:]]
        fields += [b"NIL", b"(" + _quoted(kind.strip()).encode() + b" " + _strings_list(names) + b")"]
    return b"(" + b" ".join(fields) + b")"


def _imap_date(text: str) -> date:
    try:
        return datetime.strptime(text, "%d-%b-%Y").date()
    except ValueError:
        raise _BadCommandError("Could not parse command (bad date)") from None


def _internaldate(when: datetime) -> str:
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return f"{when.day:02d}-{_MONTHS[when.month - 1]}-{when.year} {when:%H:%M:%S} {zone}"


def encode_utf7(name: str) -> str:
    """Modified UTF-7 (RFC 3501 §5.1.3), the encoding of folder names on the wire."""
    out, pending = [], ""

    def flush() -> None:
        nonlocal pending
        if pending:
            b64 = base64.b64encode(pending.encode("utf-16-be")).decode().rstrip("=").replace("/", ",")
            out.append(f"&{b64}-")
            pending = ""

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending += char
    flush()
    return "".join(out)


def decode_utf7(name: str) -> str:
    def decode(match: re.Match[str]) -> str:
        if not match.group(1):
            return "&"
        b64 = match.group(1).replace(",", "/")
        return base64.b64decode(b64 + "=" * (-len(b64) % 4)).decode("utf-16-be")

    return re.sub(r"&([A-Za-z0-9+,]*)-", decode, name)


def command_names(commands: list[str]) -> list[str]:
    """``UID FETCH 1,2 (…)`` → ``UID FETCH``; ``EXAMINE "INBOX"`` → ``EXAMINE``."""
    names = []
    for command in commands:
        words = command.split(" ")
        names.append(" ".join(words[:2]) if words[0].upper() == "UID" else words[0])
    return names


WRITING = frozenset({"SELECT", "STORE", "UID STORE", "COPY", "UID COPY", "MOVE", "UID MOVE", "EXPUNGE", "APPEND"})
SETS_SEEN = re.compile(r"BODY\[|RFC822(?!\.SIZE|\.HEADER)")  # BODY.PEEK[ and RFC822.SIZE leave \Seen alone


def writes(commands: list[str]) -> list[str]:
    """Commands that change a mailbox or open it for writing, and fetches that would set ``\\Seen``."""
    return [
        command
        for command, name in zip(commands, command_names(commands), strict=True)
        if name in WRITING or (name in ("FETCH", "UID FETCH") and SETS_SEEN.search(command.upper()))
    ]


TOKEN = "ya29.a0AfB-fake-imap-token-7Qx"
TOKEN_ENV = "INBOXWATCH_TEST_GMAIL_IMAP_TOKEN"


def gmail_account(server: GmailIMAP, **overrides: Any) -> AccountConfig:
    values: dict[str, Any] = {
        "name": "gmail",
        "kind": "imap",
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "username": ME,
        "auth": "xoauth2",
        "password_env": TOKEN_ENV,
        "backfill": timedelta(days=120),
    }
    values.update(overrides)
    return AccountConfig(**values)
