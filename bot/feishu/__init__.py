"""The Feishu/Lark adapter. Modules importing lark_oapi load only when Feishu is enabled."""
