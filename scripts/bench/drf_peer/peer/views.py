from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .models import Asset, Board, BoardGrant, Folder, FolderGrant, Member, ROLES


def _per_board(aggregate, **filters):
    """An aggregate of the board's assets as a correlated subquery (0 when
    it has none)."""
    sub = (Asset.objects.filter(board=OuterRef("pk"), **filters).order_by().values("board")
           .annotate(n=aggregate).values("n"))
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


class BoardSerializer(serializers.ModelSerializer):
    workspace_id = serializers.UUIDField()
    folder_id = serializers.UUIDField()
    archived = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    can = serializers.SerializerMethodField()
    asset_count = serializers.IntegerField()
    open_thread_count = serializers.IntegerField()
    approved_count = serializers.IntegerField()
    changes_requested_count = serializers.IntegerField()
    cover_url = serializers.SerializerMethodField()

    class Meta:
        model = Board
        fields = ["id", "workspace_id", "folder_id", "name", "description", "archived", "archived_at",
                  "role", "can", "asset_count", "open_thread_count", "approved_count",
                  "changes_requested_count", "cover_url", "deciders", "due_at", "created_at", "updated_at"]

    def get_archived(self, b):
        return b.archived_at is not None

    def get_role(self, b):
        return ROLES[b.rank]

    def get_can(self, b):
        return {"comment": b.rank >= 2, "edit": b.rank >= 3, "manage": b.rank >= 4}

    def get_cover_url(self, b):
        return None


@api_view(["GET"])
def folder_boards(request, folder_id):
    """The boards of a folder the caller may see, with the caller's role: one
    annotated query, the role from subqueries on the board's and the folder's
    grants and the workspace membership."""
    user = request.user
    folder = get_object_or_404(Folder, pk=folder_id)
    try:
        limit = min(max(int(request.query_params.get("limit", 50)), 1), 200)
    except ValueError:
        limit = 50
    ws_role = Member.objects.filter(workspace=folder.workspace_id, user=user).values_list("role", flat=True).first()
    if ws_role is None:
        raise NotFound()
    ws_rank = 4 if ws_role in ("owner", "admin") else 0
    board_rank = Subquery(BoardGrant.objects.filter(board=OuterRef("pk"), user=user).values("rank")[:1])
    folder_rank = Subquery(FolderGrant.objects.filter(folder=OuterRef("folder"), user=user).values("rank")[:1])
    boards = (Board.objects.filter(folder=folder)
              .annotate(rank=Greatest(Coalesce(board_rank, Value(0)), Coalesce(folder_rank, Value(0)),
                                      Value(ws_rank)))
              .filter(rank__gt=0)
              .annotate(asset_count=_per_board(Count("id")),
                        open_thread_count=_per_board(Sum("open_threads")),
                        approved_count=_per_board(Count("id"), review_status="approved"),
                        changes_requested_count=_per_board(Count("id"), review_status="changes_requested"))
              .order_by("name", "id"))
    after = request.query_params.get("after")
    if after:
        name, _, last_id = after.partition("|")
        boards = boards.filter(Q(name__gt=name) | Q(name=name, id__gt=last_id))
    page = list(boards[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    next_cursor = f"{page[-1].name}|{page[-1].id}" if more else None
    return Response({"items": BoardSerializer(page, many=True).data, "next_cursor": next_cursor})
