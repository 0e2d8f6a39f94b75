#!/usr/bin/env python3
"""A real SMTP server for the report's mail tests (Debian's python3-aiosmtpd): listens on
127.0.0.1:PORT, and writes each message it receives to DIR/<n>.json with the envelope, the
headers and every MIME part decoded, so a test reads what a mail client would show.
  python3 scripts/smtp-sink.py --port 2525 --dir /tmp/mail [--refuse-rcpt]
--refuse-rcpt answers every RCPT with 550 (a relay that will not take the mail)."""
import argparse
import email
import email.policy
import json
import os
import signal
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, refuse):
        self.directory = directory
        self.refuse = refuse
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 mailbox unavailable (smtp-sink --refuse-rcpt)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "multipart":
                continue
            parts[part.get_content_type()] = part.get_content()
        self.count += 1
        record = {
            "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "subject": str(message["subject"]),
            "from": str(message["from"]), "to": str(message["to"]), "date": str(message["date"]),
            "message_id": str(message["message-id"]), "content_type": message.get_content_type(), "parts": parts,
        }
        path = os.path.join(self.directory, f"{self.count}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f, indent=1)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--refuse-rcpt", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Sink(args.dir, args.refuse_rcpt), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"smtp-sink listening on 127.0.0.1:{args.port}", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
