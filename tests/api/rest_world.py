"""A shared data set for the REST tests: two enterprise accounts with users of every role and
recordings with known times, made through the real CLI."""
import json

A_USERS = {
    "owner": ("owner@a.test", []),
    "admin": ("admin@a.test", ["--admin"]),
    "member": ("member@a.test", []),
    "editor": ("editor@a.test", ["--editor", "--no-member"]),
}


def recording(i, email, **over):
    r = {
        "uuid": f"0190c3c4-5b6a-7c8d-9e0f-{i:012x}",
        "title": f"Recording {i}",
        "summary": f"Summary {i}",
        "description": None if i % 2 else f"Description {i}",
        "metadata": {
            "created_at": f"2026-01-{1 + i % 28:02d}T10:00:00.{i % 1000:03d}Z",
            "updated_at": f"2026-02-{1 + i % 28:02d}T10:00:00.000Z",
            "duration": 10 * i,
            "impressions_count": i,
            "recording_type": "video",
            "recording_source": "widget",
            "url": f"https://app.screendesk.io/r/{i}",
            "helpdesk_info": {"ticket_id": str(100 + i % 3), "provider": "zendesk" if i % 2
                              else "intercom", "extra": {"nested": [1, 2, {"k": "v"}]}},
        },
        "technical_details": {"vendor": "Chrome", "ip_address": "203.0.113.7",
                              "timezone": "Europe/Paris", "network_type": "wifi", "isp": "Orange"},
        "console_logs": "[log] hello" if i % 3 == 0 else None,
        "customer": {"email": f"Customer{i % 4}@Example.com"},
        "user_email": email,
    }
    r.update(over)
    return r


def build(cli):
    w = {"tokens": {}, "users": {}, "recordings": {}}
    a = cli.account("Alpha", "owner@a.test")
    w["a"] = a["account_id"]
    for role, (email, flags) in A_USERS.items():
        if role != "owner":
            cli.user(w["a"], email, *flags, name=role.title())
        w["tokens"][role] = cli.token(w["a"], email, name=role)["token"]
    # Recordings 1..12 in account A, made by owner, admin, member, editor in turn.
    emails = [A_USERS[r][0] for r in ("owner", "admin", "member", "editor")]
    recs = [recording(i, emails[i % 4]) for i in range(1, 13)]
    cli.import_recordings(w["a"], recs)
    for r in recs:
        w["recordings"][r["uuid"]] = r
    b = cli.account("Beta", "owner@b.test")
    w["b"] = b["account_id"]
    cli.user(w["b"], "member@b.test")
    w["tokens"]["b_owner"] = cli.token(w["b"], "owner@b.test", name="b")["token"]
    w["tokens"]["b_member"] = cli.token(w["b"], "member@b.test", name="b")["token"]
    b_recs = [recording(i, "member@b.test") for i in range(100, 104)]
    cli.import_recordings(w["b"], b_recs)
    w["b_recordings"] = [r["uuid"] for r in b_recs]
    w["by_role"] = {role: [r["uuid"] for r in recs if r["user_email"] == A_USERS[role][0]]
                    for role in A_USERS}
    w["all_a"] = [r["uuid"] for r in sorted(recs, key=lambda r: r["metadata"]["created_at"],
                                             reverse=True)]
    return w


def dumps(obj):
    return json.dumps(obj, sort_keys=True)
