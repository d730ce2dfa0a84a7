"""The HTTP routers: one module per API (shopper, agent, editor, insights, ...), mounted by gateway/app.py."""
