"""Writes N recordings as NDJSON in the API's own shape, for `recordings import`."""
import json
import sys

n = int(sys.argv[1])
users = sys.argv[2].split(",")
out = sys.stdout
for i in range(n):
    out.write(json.dumps({
        "title": f"Checkout fails for customer {i}",
        "summary": "The customer clicks Pay and nothing happens; the console shows an error.",
        "description": None if i % 3 else "Reported through the help widget on the pricing page.",
        "metadata": {
            "created_at": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:"
                          f"{(i // 60) % 60:02d}.{i % 1000:03d}Z",
            "duration": 20 + i % 400, "impressions_count": i % 9, "recording_type": "video",
            "recording_source": "widget", "url": f"https://app.screendesk.io/recordings/{i}",
            "helpdesk_info": {"provider": "zendesk", "ticket_id": str(40000 + i % 20000)},
        },
        "technical_details": {"vendor": "Chrome 131 on macOS 15", "ip_address": "203.0.113.9",
                              "timezone": "Europe/Paris", "network_type": "wifi", "isp": "Orange"},
        "console_logs": "[error] TypeError: cannot read properties of undefined" if i % 2 else None,
        "customer": {"email": f"customer{i % 5000}@example.com"},
        "user_email": users[i % len(users)],
    }) + "\n")
