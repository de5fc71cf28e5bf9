import uuid

from django.conf import settings
from django.db import models

# Roles rank as Critboard's do: the effective role is the highest grant.
RANKS = {"viewer": 1, "commenter": 2, "editor": 3, "owner": 4}
ROLES = {rank: role for role, rank in RANKS.items()}


class Workspace(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)


class Member(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=10)  # owner, admin, member

    class Meta:
        unique_together = [("workspace", "user")]


class Folder(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    name = models.CharField(max_length=200)


class Grant(models.Model):
    """A person's role on a folder or a board, as its rank."""
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    rank = models.IntegerField()

    class Meta:
        abstract = True


class FolderGrant(Grant):
    folder = models.ForeignKey(Folder, on_delete=models.CASCADE)

    class Meta:
        unique_together = [("folder", "user")]


class Board(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    folder = models.ForeignKey(Folder, null=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=200)
    description = models.TextField(default="")
    archived_at = models.DateTimeField(null=True)
    deciders = models.CharField(max_length=10, default="editors")
    due_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["folder", "name", "id"])]


class BoardGrant(Grant):
    board = models.ForeignKey(Board, on_delete=models.CASCADE)

    class Meta:
        unique_together = [("board", "user")]


class Asset(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    board = models.ForeignKey(Board, on_delete=models.CASCADE)
    review_status = models.CharField(max_length=20, default="in_review")
    open_threads = models.IntegerField(default=0)
