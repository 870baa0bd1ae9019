# The Python models of ../shared/spec/chat-files-endpoint.md, as the user's clients define them.
# Reads {"kind": "success" | "error", "body": ...} lines on stdin and validates each body.
import json
import sys
from datetime import datetime
from typing import List

from pydantic import BaseModel, HttpUrl


class ChatFile(BaseModel):
    id: int
    chat_conversation_id: int
    name: str
    size: int
    type: str
    created_at: datetime
    url: HttpUrl


class GetChatFilesResponse(BaseModel):
    chatFiles: List[ChatFile]


class ErrorData(BaseModel):
    message: str


class GetChatFilesError(BaseModel):
    statusCode: int
    statusMessage: str
    data: ErrorData


results = []
for line in sys.stdin:
    case = json.loads(line)
    model = GetChatFilesResponse if case["kind"] == "success" else GetChatFilesError
    parsed = model(**case["body"])
    if isinstance(parsed, GetChatFilesResponse):
        results.append({"files": len(parsed.chatFiles), "utc": all(f.created_at.utcoffset() is not None and f.created_at.utcoffset().total_seconds() == 0 for f in parsed.chatFiles)})
    else:
        results.append({"statusCode": parsed.statusCode, "message": parsed.data.message})
print(json.dumps(results))
