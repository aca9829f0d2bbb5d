"""A small SMTP server in front of the mail catcher, for fault tests: it relays every message
to maildev, or holds the answer to DATA (the sender waits, as with a slow mail server), or
refuses it (554), as the test says."""

from __future__ import annotations

import smtplib
import socketserver
import threading


class SmtpGate:
    def __init__(self, relay_port: int) -> None:
        self.relay_port = relay_port
        self.mode = "relay"  # relay | hold | refuse
        self.holding = threading.Event()  # set while a DATA answer is being held
        self.release = threading.Event()
        gate = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                gate._session(self.rfile, self.wfile)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _session(self, rfile, wfile) -> None:
        def say(line: str) -> None:
            wfile.write((line + "\r\n").encode())
            wfile.flush()

        say("220 gate ESMTP")
        sender, recipients = "", []
        try:
            while line := rfile.readline():
                verb = line.decode(errors="replace").strip()
                upper = verb.upper()
                if upper.startswith(("EHLO", "HELO")):
                    say("250 gate")
                elif upper.startswith("MAIL FROM:"):
                    sender, recipients = verb[10:].strip().strip("<>"), []
                    say("250 OK")
                elif upper.startswith("RCPT TO:"):
                    recipients.append(verb[8:].strip().strip("<>"))
                    say("250 OK")
                elif upper == "DATA":
                    say("354 End data with <CR><LF>.<CR><LF>")
                    data = b""
                    while (chunk := rfile.readline()) not in (b".\r\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    if self.mode == "hold":
                        self.holding.set()
                        self.release.wait(120)
                        return  # the sender died meanwhile, or gave up
                    if self.mode == "refuse":
                        say("554 Transaction failed")
                        continue
                    with smtplib.SMTP("127.0.0.1", self.relay_port, timeout=10) as relay:
                        relay.sendmail(sender, recipients, data)
                    say("250 OK relayed")
                elif upper in ("RSET", "NOOP"):
                    say("250 OK")
                elif upper == "QUIT":
                    say("221 Bye")
                    return
                else:
                    say("502 Command not implemented")
        except (TimeoutError, OSError):
            return

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
