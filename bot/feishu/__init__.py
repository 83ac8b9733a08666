"""The Feishu/Lark adapter. Modules importing lark_oapi load only when Feishu is enabled, and
then only the parts of lark-oapi okrbot uses (`lark_lite`)."""

from bot.feishu import lark_lite

lark_lite.install()
