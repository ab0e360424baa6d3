"""One transformer decoder layer: query self-attention, query-to-BEV cross-attention, FFN."""
from torch import Tensor, nn


class LearnedPositionEmbedding(nn.Module):
    """MLP from ``(x, y)`` BEV positions to ``channels``-dim embeddings."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(2, channels), nn.ReLU(inplace=True), nn.Linear(channels, channels))

    def forward(self, positions: Tensor) -> Tensor:
        """``[B, L, 2]`` -> ``[B, L, channels]``."""
        return self.mlp(positions)


class QueryDecoderLayer(nn.Module):
    """Post-norm DETR-style decoder layer with learned position embeddings of queries and BEV cells.

    Args:
        channels: feature channels ``C``.
        num_heads: attention heads.
        ffn_channels: hidden width of the feed-forward network.
        dropout: dropout after attention and in the FFN.
    """

    def __init__(self, channels: int, num_heads: int = 8, ffn_channels: int = 256, dropout: float = 0.1) -> None:
        super().__init__()
        self.self_attn = nn.MultiheadAttention(channels, num_heads, dropout=dropout, batch_first=True)
        self.cross_attn = nn.MultiheadAttention(channels, num_heads, dropout=dropout, batch_first=True)
        self.ffn = nn.Sequential(nn.Linear(channels, ffn_channels), nn.ReLU(inplace=True), nn.Dropout(dropout),
                                 nn.Linear(ffn_channels, channels))
        self.norms = nn.ModuleList(nn.LayerNorm(channels) for _ in range(3))
        self.dropout = nn.Dropout(dropout)
        self.query_pos = LearnedPositionEmbedding(channels)
        self.key_pos = LearnedPositionEmbedding(channels)

    def forward(self, query: Tensor, query_positions: Tensor, key: Tensor, key_positions: Tensor) -> Tensor:
        """Args:
            query: ``[B, Q, C]`` query features.
            query_positions: ``[B, Q, 2]`` query BEV positions (cells).
            key: ``[B, L, C]`` flattened BEV features.
            key_positions: ``[B, L, 2]`` BEV positions of the keys (cells).

        Returns:
            ``[B, Q, C]`` updated queries.
        """
        query_embed = self.query_pos(query_positions)
        key_embed = self.key_pos(key_positions)
        q = query + query_embed
        query = self.norms[0](query + self.dropout(self.self_attn(q, q, query, need_weights=False)[0]))
        attended = self.cross_attn(query + query_embed, key + key_embed, key, need_weights=False)[0]
        query = self.norms[1](query + self.dropout(attended))
        return self.norms[2](query + self.dropout(self.ffn(query)))
