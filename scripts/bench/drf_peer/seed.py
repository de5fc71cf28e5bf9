#!/usr/bin/env python3
"""Seeds the DRF peer with the shape scripts/bench/foundation.py gives
Critboard: 50 users in one workspace, 100 folders with 5 random grants each,
one folder of 1,000 boards and 300 random direct board grants; the reader's
access comes from a viewer grant on that folder. Prints the reader's token
and the folder's id as JSON."""
import json, os, random, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")
import django  # noqa: E402

django.setup()
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from peer.models import RANKS, Board, BoardGrant, Folder, FolderGrant, Member, Workspace  # noqa: E402

os.makedirs(os.environ.get("PEER_DATA", "/tmp/critboard-drf-peer"), exist_ok=True)
call_command("migrate", run_syncdb=True, verbosity=0)
random.seed(7)
users = User.objects.bulk_create([User(username=f"user{i}", email=f"user{i}@bench.test") for i in range(50)])
users = list(User.objects.order_by("id"))
owner, reader = users[0], users[1]
ws = Workspace.objects.create(name="Bench studio")
Member.objects.bulk_create([Member(workspace=ws, user=u, role="owner" if u == owner else "member") for u in users])
roles = ["viewer", "commenter", "editor"]
folders = []
for i in range(100):
    f = Folder.objects.create(workspace=ws, name=f"Client {i:03}")
    folders.append(f)
    FolderGrant.objects.bulk_create([FolderGrant(folder=f, user=u, rank=RANKS[random.choice(roles)])
                                     for u in random.sample(users[2:], 5)])
big = folders[0]
FolderGrant.objects.create(folder=big, user=reader, rank=RANKS["viewer"])
boards = Board.objects.bulk_create([Board(workspace=ws, folder=big, name=f"Board {i:04}") for i in range(1000)])
grants = {}
for b in random.sample(boards, 300):
    grants[b.id] = BoardGrant(board=b, user=random.choice(users[1:]), rank=RANKS[random.choice(roles)])
BoardGrant.objects.bulk_create(grants.values())
token = Token.objects.create(user=reader)
print(json.dumps({"token": token.key, "folder": str(big.id)}))
