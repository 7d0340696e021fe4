"""The VNPAY simulator's addresses (payments.simulator), under the paths VNPAY itself uses
(wave2.md §2.1, §2.4); config.urls mounts them at /mo-phong/vnpay/ when
settings.MOTCUA_PAYMENT_SIMULATOR is true."""

from django.urls import path

from . import simulator

app_name = "vnpay_simulator"

urlpatterns = [
    path("paymentv2/vpcpay.html", simulator.pay_page, name="pay"),
    path("paymentv2/lua-chon/", simulator.pay_choice, name="choice"),
    path("merchant_webapi/api/transaction", simulator.transaction_api, name="transaction"),
]
