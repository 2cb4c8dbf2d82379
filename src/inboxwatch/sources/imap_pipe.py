"""UID FETCH commands sent ahead of their answers (IMAP pipelining, RFC 3501 §5.5).

On a slow link a command that waits for the one before it to be answered leaves the link idle for a round
trip, and for as long as this side works on what came back. Sent ahead, the server streams the next answer
meanwhile. :class:`FetchPipe` sends a command at once (:meth:`~FetchPipe.send`) and hands its answer over when
asked (:meth:`~FetchPipe.result`), in any order; answers that come in while another command is awaited are
kept until theirs is asked for. While a pipe has commands in flight it is the only way to FETCH on its
connection (a plain ``IMAPClient.fetch`` would take their answers for unsolicited ones and drop them).

The commands in flight must fetch different messages: an answer is told apart by its UID.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError
from imapclient.imapclient import join_message_ids, seq_to_parenstr_upper
from imapclient.response_parser import parse_fetch_response

Answers = dict[int, dict[bytes, Any]]
Fetch = Callable[[Sequence[int], Sequence[str]], Answers]


@dataclass
class Ticket:
    """One UID FETCH sent: its tag, what it asked for, and once answered, how (an error to raise or None)."""

    tag: str
    uids: tuple[int, ...]
    items: tuple[str, ...]
    answered: bool = False
    error: IMAPClientError | None = field(default=None, repr=False)


class FetchPipe:
    """UID FETCH commands in flight on one connection. ``refetch`` reads a command's messages again, alone,
    when the server refused it because some of them were just expunged (the source syncs and retries)."""

    def __init__(self, client: IMAPClient, refetch: Fetch) -> None:
        self._client = client
        self._refetch = refetch
        self._sent: list[Ticket] = []  # not yet answered, in the order sent
        self._claimed: set[int] = set()  # UIDs of the commands whose answers were not handed over yet
        self._answers: Answers = {}  # answers come in, by UID, until their command's are asked for

    def send(self, uids: Sequence[int], items: Sequence[str]) -> Ticket:
        ticket = Ticket("", tuple(uids), tuple(items))
        if not ticket.uids:
            ticket.answered = True
            return ticket
        if self._claimed.intersection(ticket.uids):
            raise ValueError("a message is asked for by two FETCH commands in flight")
        args = ["UID", "FETCH", join_message_ids(list(ticket.uids)), seq_to_parenstr_upper(list(ticket.items))]
        ticket.tag = self._client._imap._command(*args)
        self._claimed.update(ticket.uids)
        self._sent.append(ticket)
        return ticket

    def result(self, ticket: Ticket) -> Answers:
        """The answers to ``ticket``'s command, by UID (messages expunged meanwhile are missing)."""
        while not ticket.answered:
            self._answer(self._sent[0])
        if ticket.error is not None:
            if "EXPUNGE" not in str(ticket.error).upper():
                self._drain()
                raise ticket.error
            # Refused because some message was just expunged: with nothing in flight, read them again alone.
            self._drain()
            self._forget(ticket)
            return self._refetch(ticket.uids, ticket.items)
        return self._forget(ticket)

    def close(self) -> None:
        """Wait for every command in flight (their answers are dropped): the connection is free again."""
        self._drain()
        self._answers.clear()
        self._claimed.clear()

    def _answer(self, ticket: Ticket) -> None:
        """Read up to ``ticket``'s completion (the answers to earlier commands are read on the way)."""
        imap = self._client._imap
        self._sent.remove(ticket)
        ticket.answered = True
        try:
            typ, data = imap._command_complete("FETCH", ticket.tag)
            self._client._checkok("fetch", typ, data)
        except IMAPClientAbortError:
            raise  # the connection is gone: the source drops it
        except IMAPClientError as e:
            ticket.error = e
        # Every FETCH answer read so far, whichever command it answers (or none: an unsolicited flag change).
        typ, data = imap._untagged_response("OK", [None], "FETCH")
        if data and data != [None]:
            for uid, items in parse_fetch_response(data, self._client.normalise_times, True).items():
                if uid in self._claimed:
                    self._answers.setdefault(uid, {}).update(items)

    def _drain(self) -> None:
        while self._sent:
            self._answer(self._sent[0])

    def _forget(self, ticket: Ticket) -> Answers:
        self._claimed.difference_update(ticket.uids)
        return {uid: self._answers.pop(uid) for uid in ticket.uids if uid in self._answers}
