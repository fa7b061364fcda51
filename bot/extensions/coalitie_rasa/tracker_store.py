"""SQL tracker store whose save() of an *empty* tracker erases the conversation.

Rasa 3.6's SQLTrackerStore.save only appends events it has not stored yet, so the HTTP API's
PUT /conversations/{id}/tracker/events with [] (which saves an empty tracker) removes nothing.
Here an empty tracker means: delete every stored event of that sender. Rasa never saves an empty
tracker for a conversation that has events, except through that call.
"""
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


class ErasableSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        if not tracker.events:
            with self.session_scope() as session:
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
                session.commit()
            return
        await super().save(tracker)
