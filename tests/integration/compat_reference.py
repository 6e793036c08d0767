"""Compatibility fields of GET /api/bookmakers and /api/courses (reference
§2.13): {success, count, data: [{id, name, type}]} and {success, count,
data: [{name}]}, over the whole table (C12); type "exchange" for exchanges,
Betfair Exchange included (C16)."""
SPECS = [
    ("/api/bookmakers", {"success": "bool", "count": "int", "data[].id": "str!", "data[].name": "str!",
                         "data[].type": "str!"}),
    ("/api/courses", {"success": "bool", "count": "int", "data[].name": "str!"}),
]
