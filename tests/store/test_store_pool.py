"""The store's PostgreSQL pool hands out no connection that the server dropped (the real server)."""

from sqlalchemy import create_engine, text

from scrimmage import store
from scrimmage.store import Store


def test_a_pooled_connection_the_server_dropped_while_it_rested_is_replaced(postgres_url, monkeypatch):
    s = Store(postgres_url)
    with s.read() as conn:
        first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    other = create_engine(postgres_url)
    try:  # the server drops the resting connection (a restart, an idle timeout), and waits until it is gone
        with other.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": first}).scalar_one()
    finally:
        other.dispose()
    monkeypatch.setattr(store, "IDLE_PING_SECONDS", 0.0)  # it rested long enough to be tested
    with s.read() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != first
    with s.write() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    s.engine.dispose()
