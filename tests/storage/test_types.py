from sqlmodel import Session

from storage.models import Workspace
from tests import factories


def test_migrated_database_round_trips_aware_datetimes(session: Session) -> None:
    ws = factories.workspace(session)
    session.commit()
    session.expire_all()
    loaded = session.get(Workspace, ws.id)
    assert loaded is not None
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset().total_seconds() == 0
