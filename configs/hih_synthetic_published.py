# configs/hih_synthetic.py with the published decimal branch and recipe: the
# decimal heatmap pooled from the whole stream (decimal_channels 96), the
# published soft label softmax(Gaussian), reduction 'mean', weight 0.05, and
# the published decode (max > 0 mask). Its decimal branch stays at chance
# level on the synthetic faces (docs/decimal_heatmap.md).
_base_ = ['./hih_synthetic.py']

model = dict(head=dict(_base_.published_head, decimal_channels=96))
