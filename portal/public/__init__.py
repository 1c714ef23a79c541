"""The public record: /data and GET /api/v1/public/complaints."""
